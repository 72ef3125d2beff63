using System.Diagnostics;
using MLNetContextual.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>
/// Trains a <see cref="Context2VecModule"/> as the reference's train_context2vec.py does: batches of sentences of one
/// length (its corpus-by-length reader), shuffled; for every word slot of every sentence the context vector c is scored
/// against the target embedding t of the word there and against <see cref="LearnContext2VecOptions.NegativeSamples"/>
/// negatives n_k drawn from unigram^<see cref="LearnContext2VecOptions.SamplingPower"/> (chainer's NegativeSampling):
/// loss = −log σ(t·c) − Σ_k log σ(−n_k·c), here averaged over the batch's words (the reference sums; Adam is
/// insensitive to the scale). Adam, optional global-norm clipping.
/// </summary>
internal static class Context2VecTrainer
{
    public static (Context2VecEncoder Encoder, List<Context2VecTrainingProgress> Epochs, int KeptEpoch) Train(LearnContext2VecOptions o, string name,
        IReadOnlyList<string[]> train, IReadOnlyList<string[]> validation)
    {
        o.Validate();
        var cancel = o.CancellationToken;
        var (vocab, distinct) = Context2VecVocabulary.Build(train, o.MinCount, o.MaxVocabularySize);
        if (vocab.Count <= Context2VecVocabulary.SpecialCount)
            throw new ArgumentOutOfRangeException(nameof(o.MinCount),
                $"No word of column '{o.InputColumnName}' occurs at least MinCount = {o.MinCount} times ({distinct} distinct words), so the vocabulary would be empty. Lower MinCount or give more text.");
        var sentences = Pieces(train, vocab, o.MaxSentenceLength);
        var validRows = validation == null ? null : Pieces(validation, vocab, o.MaxSentenceLength);
        var sampler = new Context2VecSampler(vocab.Counts, o.SamplingPower);

        TorchRuntime.EnsureLoaded();
        using var threads = TorchThreads.Use(o.NumberOfThreads);
        manual_seed(o.Seed);
        var random = new Random(o.Seed);
        var module = new Context2VecModule(o.Model, vocab.Count) { Dropout = o.Dropout };
        var parameters = module.parameters().ToList();
        var optimizer = optim.Adam(parameters, o.LearningRate);
        var epochs = new List<Context2VecTrainingProgress>();
        StateTensors best = null;   // managed copy of the best epoch's weights (KeepBestEpoch with validation)
        double bestLoss = double.PositiveInfinity;
        int bestEpoch = 0;
        try
        {
            for (int epoch = 1; epoch <= o.Epochs; epoch++)
            {
                module.train();
                var batches = Batches(sentences, o.BatchSize, random);
                int count = o.MaxBatchesPerEpoch is int max ? Math.Min(max, batches.Count) : batches.Count;
                var clock = Stopwatch.StartNew();
                double lossSum = 0;
                long lossWords = 0, words = 0;
                for (int batch = 0; batch < count; batch++)
                {
                    cancel.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    var (loss, n) = Loss(module, batches[batch], sampler, random, o.NegativeSamples);
                    optimizer.zero_grad();
                    loss.backward();
                    if (o.MaxGradientNorm is double clip)
                        nn.utils.clip_grad_norm_(parameters, clip);
                    optimizer.step();
                    lossSum += loss.item<float>() * n;
                    lossWords += n;
                    words += n;
                    if ((batch + 1) % o.ProgressInterval == 0 && batch + 1 < count)
                    {
                        o.Progress?.Report(new Context2VecTrainingProgress(epoch, batch + 1, count, lossSum / lossWords, words / clock.Elapsed.TotalSeconds, null, false));
                        (lossSum, lossWords) = (0, 0);
                    }
                }
                double speed = words / clock.Elapsed.TotalSeconds;
                double? valid = validRows is { Count: > 0 } ? ValidationLoss(module, validRows, sampler, o) : null;
                var report = new Context2VecTrainingProgress(epoch, count, count, lossWords > 0 ? lossSum / lossWords : double.NaN, speed, valid, true);
                epochs.Add(report);
                o.Progress?.Report(report);
                if (o.KeepBestEpoch && valid is double validLoss && validLoss < bestLoss)
                    (best, bestLoss, bestEpoch) = (Context2VecWeights.FromModule(module), validLoss, epoch);
            }
            module.eval();
            bool keepBest = best != null && bestEpoch < o.Epochs;
            var weights = keepBest ? best : Context2VecWeights.FromModule(module);
            var encoder = new Context2VecEncoder(name, o.Model, vocab, weights, o.LowerCase, o.WhitespaceOnly);
            return (encoder, epochs, keepBest ? bestEpoch : o.Epochs);
        }
        finally
        {
            optimizer.Dispose();
            module.Dispose();
        }
    }

    /// <summary>The mean loss per word of <paramref name="rows"/> (in eval mode, no dropout), negatives from a fixed seed.</summary>
    private static double ValidationLoss(Context2VecModule module, List<int[]> rows, Context2VecSampler sampler, LearnContext2VecOptions o)
    {
        module.eval();
        var random = new Random(unchecked(o.Seed * 31 + 17));
        double sum = 0;
        long words = 0;
        using (no_grad())
            foreach (var batch in Batches(rows, o.BatchSize, null))
            {
                o.CancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var (loss, n) = Loss(module, batch, sampler, random, o.NegativeSamples);
                sum += loss.item<float>() * n;
                words += n;
            }
        module.train();
        return sum / words;
    }

    /// <summary>Mean negative-sampling loss over every word slot of <paramref name="rows"/>, and the number of slots.</summary>
    internal static (Tensor Loss, int Words) Loss(Context2VecModule module, IReadOnlyList<int[]> rows, Context2VecSampler sampler, Random random, int negatives)
    {
        var (l2r, r2l, width) = Context2VecModule.Inputs(rows);
        int total = rows.Sum(r => r.Length);
        var left = new long[total];
        var right = new long[total];
        var targets = new long[total];
        int k = 0;
        for (int b = 0; b < rows.Count; b++)
        {
            int n = rows[b].Length;
            for (int i = 1; i <= n; i++, k++)
            {
                (left[k], right[k]) = Context2VecModule.Slot(b, width, n, i);
                targets[k] = rows[b][i - 1];
            }
        }
        var context = module.Contexts(l2r, r2l, tensor(left), tensor(right));                   // (N, D)
        var negativeIds = new long[(long)total * negatives];
        sampler.Sample(random, negativeIds);
        var positive = module.Targets.index_select(0, tensor(targets));                           // (N, D)
        var negative = module.Targets.index_select(0, tensor(negativeIds)).view(total, negatives, -1);   // (N, K, D)
        var positiveScore = context.mul(positive).sum(1);                                          // (N)
        var negativeScore = bmm(negative, context.unsqueeze(2)).squeeze(2);                        // (N, K)
        var loss = nn.functional.logsigmoid(positiveScore).add(nn.functional.logsigmoid(negativeScore.neg()).sum(1)).mean().neg();
        return (loss, total);
    }

    /// <summary>Rows as word ids, each cut into consecutive pieces of at most <paramref name="maxLength"/> words.</summary>
    internal static List<int[]> Pieces(IReadOnlyList<string[]> rows, Context2VecVocabulary vocab, int maxLength)
    {
        var result = new List<int[]>();
        foreach (var row in rows)
            for (int start = 0; start < row.Length; start += maxLength)
                result.Add(row.Skip(start).Take(maxLength).Select(vocab.Id).ToArray());
        return result;
    }

    /// <summary>Batches of at most <paramref name="size"/> sentences of one length; with <paramref name="random"/>,
    /// sentences and batches shuffled.</summary>
    internal static List<int[][]> Batches(List<int[]> sentences, int size, Random random)
    {
        var batches = new List<int[][]>();
        foreach (var group in sentences.GroupBy(s => s.Length).OrderBy(g => g.Key))
        {
            var members = group.ToArray();
            random?.Shuffle(members);
            for (int i = 0; i < members.Length; i += size)
                batches.Add(members[i..Math.Min(members.Length, i + size)]);
        }
        if (random != null)
        {
            var array = batches.ToArray();
            random.Shuffle(array);
            return [.. array];
        }
        return batches;
    }
}

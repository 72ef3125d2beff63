using MLNetContextual.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>One training pair: the English words' GloVe rows (−1: unknown) and the German ids with &lt;s&gt; … &lt;/s&gt;.</summary>
internal readonly record struct CovePair(int[] Source, int[] Target);

/// <summary>
/// Trains the translation model (<see cref="CoveLstmModule"/> encoder + <see cref="CoveDecoder"/>) with teacher forcing
/// and cross-entropy per German token, as the paper: SGD (or Adam), gradient norm clipped, the learning rate multiplied
/// by the decay after every epoch once validation perplexity has risen. Only the encoder's weights are kept.
/// </summary>
internal static class CoveTranslationTrainer
{
    public static (CoveWeights Weights, List<CoveTrainingProgress> Epochs) Train(
        LearnCoveOptions o, IReadOnlyList<CovePair> train, IReadOnlyList<CovePair> validation, int targetVocabulary)
    {
        TorchRuntime.EnsureLoaded();
        using var threads = TorchThreads.Use(o.NumberOfThreads);
        torch.manual_seed(o.Seed);
        using var encoder = new CoveLstmModule(o.Glove, o.HiddenSize, o.Layers, includeGlove: false, o.Dropout);
        using var decoder = new CoveDecoder(targetVocabulary, o.TargetEmbeddingSize, 2 * o.HiddenSize, o.Layers, o.Dropout);
        var parameters = encoder.LstmParameters().Concat(decoder.parameters()).ToList();
        using (no_grad())
            foreach (var p in parameters)
                nn.init.uniform_(p, -o.InitialWeightRange, o.InitialWeightRange);
        double lr = o.LearningRate;
        using optim.Optimizer optimizer = o.Optimizer == CoveOptimizer.Adam
            ? optim.Adam(parameters, lr)
            : optim.SGD(parameters, lr);
        var random = new Random(o.Seed);
        var epochs = new List<CoveTrainingProgress>();
        double? previous = null;
        bool decaying = false;
        for (int epoch = 1; epoch <= o.Epochs; epoch++)
        {
            encoder.train();
            decoder.train();
            var batches = Batches(train, o.BatchSize, random);
            if (o.MaxBatchesPerEpoch is int max)
                batches = batches.Take(max).ToList();
            double lossSum = 0;
            long tokens = 0;
            int done = 0;
            foreach (var batch in batches)
            {
                o.CancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                var (loss, n) = Loss(encoder, decoder, batch);
                loss.div(n).backward();
                nn.utils.clip_grad_norm_(parameters, o.MaxGradientNorm);
                optimizer.step();
                lossSum += loss.item<float>();
                tokens += n;
                done++;
                if (done % o.ProgressInterval == 0 && done < batches.Count)
                {
                    o.Progress?.Report(new CoveTrainingProgress(epoch, done, lossSum / tokens, null, lr, false));
                    (lossSum, tokens) = (0, 0);
                }
            }
            double? perplexity = validation is { Count: > 0 } ? Perplexity(encoder, decoder, validation, o) : null;
            var report = new CoveTrainingProgress(epoch, done, tokens > 0 ? lossSum / tokens : double.NaN, perplexity, lr, true);
            epochs.Add(report);
            o.Progress?.Report(report);
            if (o.Optimizer == CoveOptimizer.Sgd && perplexity is double ppl)
            {
                decaying |= previous is double p && ppl > p;
                previous = ppl;
                if (decaying)
                {
                    lr *= o.LearningRateDecay;
                    foreach (var g in optimizer.ParamGroups)
                        g.LearningRate = lr;
                }
            }
        }
        encoder.eval();
        return (encoder.ToWeights("the trained MT-LSTM"), epochs);
    }

    /// <summary>Summed cross-entropy over the batch's German tokens and their count.</summary>
    private static (Tensor Loss, long Tokens) Loss(CoveLstmModule encoder, CoveDecoder decoder, IReadOnlyList<CovePair> batch)
    {
        var (rows, lengths) = encoder.Rows(batch.Select(p => p.Source).ToArray());
        var (_, outputs, mask, final) = encoder.Run(rows, lengths);
        int b = batch.Count, u = batch.Max(p => p.Target.Length) - 1;
        var input = new long[b * u];
        var target = new long[b * u];
        long count = 0;
        for (int r = 0; r < b; r++)
        {
            var t = batch[r].Target;
            for (int s = 0; s < t.Length - 1; s++)
            {
                input[r * u + s] = t[s];
                target[r * u + s] = t[s + 1];
                count++;
            }
        }
        var logits = decoder.forward(tensor(input, [b, u]), outputs[^1], mask, final);   // (B, U, V)
        var loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[2]), tensor(target),
            ignore_index: CoveTargetVocabulary.Pad, reduction: nn.Reduction.Sum);
        return (loss, count);
    }

    private static double Perplexity(CoveLstmModule encoder, CoveDecoder decoder, IReadOnlyList<CovePair> pairs, LearnCoveOptions o)
    {
        encoder.eval();
        decoder.eval();
        double sum = 0;
        long tokens = 0;
        using (no_grad())
            foreach (var batch in Batches(pairs, o.BatchSize, null))
            {
                o.CancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var (loss, n) = Loss(encoder, decoder, batch);
                sum += loss.item<float>();
                tokens += n;
            }
        encoder.train();
        decoder.train();
        return Math.Exp(sum / Math.Max(1, tokens));
    }

    /// <summary>Batches of pairs of similar source length: shuffled (when <paramref name="random"/> is given) in chunks of
    /// 20 batches, each chunk sorted by length, then the batches shuffled.</summary>
    private static List<CovePair[]> Batches(IReadOnlyList<CovePair> pairs, int size, Random random)
    {
        var order = Enumerable.Range(0, pairs.Count).ToArray();
        random?.Shuffle(order);
        var batches = new List<CovePair[]>();
        int chunk = size * 20;
        for (int start = 0; start < order.Length; start += chunk)
        {
            var sorted = order.Skip(start).Take(chunk).OrderBy(i => pairs[i].Source.Length).ToArray();
            for (int k = 0; k < sorted.Length; k += size)
                batches.Add(sorted.Skip(k).Take(size).Select(i => pairs[i]).ToArray());
        }
        if (random != null)
        {
            var shuffled = batches.ToArray();
            random.Shuffle(shuffled);
            batches = shuffled.ToList();
        }
        return batches;
    }
}

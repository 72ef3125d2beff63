using System.Diagnostics;
using MLNetContextual.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>
/// Pre-trains an <see cref="ElmoBiLm"/> as bilm-tf does: the text as <see cref="LearnElmoOptions.BatchSize"/> token
/// streams (&lt;S&gt; w… &lt;/S&gt; per text), windows of <see cref="LearnElmoOptions.UnrollSteps"/> with the LSTM states
/// carried from window to window (truncated back-propagation through time); the forward LM predicts the next token, the
/// backward LM (its own LSTMs, over the streams reversed) the previous one; both share the character CNN and one softmax,
/// and the loss is their mean. Adagrad (initial accumulator 1) on the gradient of loss × unroll steps, with global
/// gradient-norm clipping, as bilm-tf's training.py.
/// </summary>
internal static class ElmoPretrainer
{
    public static (ElmoBiLm Model, List<ElmoTrainingProgress> Epochs) Train(LearnElmoOptions o, IReadOnlyList<IReadOnlyList<string>> train,
        IReadOnlyList<IReadOnlyList<string>> validation, int seed)
    {
        o.Validate();
        var cancel = o.CancellationToken;
        TorchRuntime.EnsureLoaded();
        using var threads = TorchThreads.Use(o.NumberOfThreads);
        manual_seed(seed);
        var vocab = new ElmoLmVocabulary(train, o.VocabularySize, o.MinCount);
        var stream = Stream(train, vocab);
        int b = o.BatchSize, steps = o.UnrollSteps;
        long perRow = (stream.Length - 1) / b;
        if (perRow < steps)
            throw new ArgumentOutOfRangeException(nameof(o.BatchSize),
                $"The text has {stream.Length} tokens (with <S> and </S>); BatchSize {b} × UnrollSteps {steps} needs at least {(long)b * steps + 1}.");
        int batches = (int)(perRow / steps);
        if (o.MaxBatchesPerEpoch is int max)
            batches = Math.Min(batches, max);

        var model = new ElmoBiLm(o.Model);
        using var softmax = new ElmoSoftmax(vocab.Count, o.Model.ProjectionDim);
        var parameters = model.parameters().Concat(softmax.parameters()).ToList();
        var optimizer = optim.Adagrad(parameters, o.LearningRate, initial_accumulator_value: 1.0);
        var typeChars = new List<int[]>();
        var epochs = new List<ElmoTrainingProgress>();
        try
        {
            for (int epoch = 1; epoch <= o.Epochs; epoch++)
            {
                model.train();
                softmax.train();
                Tensor[] fwdStates = null, bwdStates = null;
                var clock = Stopwatch.StartNew();
                double lossSum = 0;
                int lossCount = 0;
                for (int batch = 0; batch < batches; batch++)
                {
                    cancel.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    // Row r's stream is stream[r·perRow, (r+1)·perRow]; backward rows read the same span from its end.
                    var (fIn, fOut) = Window(stream, b, perRow, batch * steps, steps, backward: false);
                    var (bIn, bOut) = Window(stream, b, perRow, batch * steps, steps, backward: true);
                    var (fEmbed, bEmbed) = Embed(model, vocab, typeChars, fIn, bIn, b, steps);
                    var (fTop, fNext) = RunStack(model.ForwardLayers, fEmbed, fwdStates, o.Dropout, training: true);
                    var (bTop, bNext) = RunStack(model.BackwardLayers, bEmbed, bwdStates, o.Dropout, training: true);
                    var fTargets = Targets(vocab, fOut);
                    var bTargets = Targets(vocab, bOut);
                    var loss = o.SampledSoftmaxSize > 0 && o.SampledSoftmaxSize < vocab.Count
                        ? softmax.SampledLoss(cat([fTop, bTop], 0), cat([fTargets, bTargets], 0), o.SampledSoftmaxSize)
                        : softmax.FullLoss(cat([fTop, bTop], 0), cat([fTargets, bTargets], 0));
                    optimizer.zero_grad();
                    loss.mul(steps).backward();     // bilm-tf differentiates loss × unroll_steps (Adagrad's accumulator starts at 1)
                    nn.utils.clip_grad_norm_(parameters, o.MaxGradientNorm);
                    optimizer.step();
                    lossSum += loss.item<float>();
                    lossCount++;
                    Keep(ref fwdStates, fNext);
                    Keep(ref bwdStates, bNext);
                    if ((batch + 1) % o.ProgressInterval == 0 && batch + 1 < batches)
                    {
                        o.Progress?.Report(new ElmoTrainingProgress(epoch, batch + 1, batches, Math.Exp(lossSum / lossCount),
                            (batch + 1.0) * b * steps / clock.Elapsed.TotalSeconds, null, false));
                        (lossSum, lossCount) = (0, 0);
                    }
                }
                double tokensPerSecond = (double)batches * b * steps / clock.Elapsed.TotalSeconds;
                Dispose(fwdStates);
                Dispose(bwdStates);
                double? valid = validation is { Count: > 0 } ? Perplexity(model, softmax, vocab, typeChars, validation, b, steps, cancel) : null;
                var report = new ElmoTrainingProgress(epoch, batches, batches, lossCount > 0 ? Math.Exp(lossSum / lossCount) : double.NaN,
                    tokensPerSecond, valid, true);
                epochs.Add(report);
                o.Progress?.Report(report);
            }
            model.eval();
            return (model, epochs);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        finally
        {
            optimizer.Dispose();
        }
    }

    /// <summary>Full-softmax perplexity over <paramref name="texts"/>: exp of the mean per-token loss of both directions.</summary>
    private static double Perplexity(ElmoBiLm model, ElmoSoftmax softmax, ElmoLmVocabulary vocab, List<int[]> typeChars,
        IReadOnlyList<IReadOnlyList<string>> texts, int batchSize, int steps, CancellationToken cancel)
    {
        model.eval();
        softmax.eval();
        var stream = Stream(texts, vocab);
        int b = (int)Math.Max(1, Math.Min(batchSize, (stream.Length - 1) / steps));
        long perRow = (stream.Length - 1) / b;
        int batches = (int)Math.Max(1, perRow / steps);
        int width = (int)Math.Min(steps, perRow);
        if (width < 1)
            return double.NaN;
        double sum = 0;
        long count = 0;
        Tensor[] f = null, r = null;
        using (no_grad())
            for (int batch = 0; batch < batches; batch++)
            {
                cancel.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var (fIn, fOut) = Window(stream, b, perRow, batch * width, width, backward: false);
                var (bIn, bOut) = Window(stream, b, perRow, batch * width, width, backward: true);
                var (fEmbed, bEmbed) = Embed(model, vocab, typeChars, fIn, bIn, b, width);
                var (fTop, fNext) = RunStack(model.ForwardLayers, fEmbed, f, 0, training: false);
                var (bTop, bNext) = RunStack(model.BackwardLayers, bEmbed, r, 0, training: false);
                var loss = softmax.FullLoss(cat([fTop, bTop], 0), cat([Targets(vocab, fOut), Targets(vocab, bOut)], 0));
                long n = 2L * b * width;
                sum += loss.item<float>() * n;
                count += n;
                Keep(ref f, fNext);
                Keep(ref r, bNext);
            }
        Dispose(f);
        Dispose(r);
        return Math.Exp(sum / count);
    }

    /// <summary>Every text as &lt;S&gt; words &lt;/S&gt;, concatenated: the type id of each token.</summary>
    private static int[] Stream(IReadOnlyList<IReadOnlyList<string>> texts, ElmoLmVocabulary vocab)
    {
        var ids = new List<int>();
        int bos = vocab.Type(ElmoCharacters.BosToken), eos = vocab.Type(ElmoCharacters.EosToken);
        foreach (var t in texts)
        {
            if (t.Count == 0)
                continue;
            ids.Add(bos);
            foreach (var w in t)
                ids.Add(vocab.Type(w));
            ids.Add(eos);
        }
        return ids.ToArray();
    }

    /// <summary>Inputs and next-token targets (type ids, [b × steps]) of one window of every row's stream.</summary>
    private static (int[] Input, int[] Output) Window(int[] stream, int b, long perRow, long offset, int steps, bool backward)
    {
        var input = new int[b * steps];
        var output = new int[b * steps];
        for (int r = 0; r < b; r++)
        {
            long start = r * perRow;
            for (int s = 0; s < steps; s++)
            {
                long p = offset + s;
                // forward: stream[start + p] → stream[start + p + 1]; backward reads the row's span [start, start + perRow] from its end.
                long i = backward ? start + perRow - p : start + p;
                long j = backward ? i - 1 : i + 1;
                input[r * steps + s] = stream[i];
                output[r * steps + s] = stream[j];
            }
        }
        return (input, output);
    }

    /// <summary>The character CNN over the distinct token strings of both windows: (B, T, P) each.</summary>
    private static (Tensor Forward, Tensor Backward) Embed(ElmoBiLm model, ElmoLmVocabulary vocab, List<int[]> typeChars,
        int[] fIn, int[] bIn, int b, int steps)
    {
        int c = model.Config.MaxCharactersPerToken;
        var local = new Dictionary<int, int>();
        var index = new long[fIn.Length + bIn.Length];
        for (int i = 0; i < index.Length; i++)
        {
            int type = i < fIn.Length ? fIn[i] : bIn[i - fIn.Length];
            if (!local.TryGetValue(type, out int k))
                local[type] = k = local.Count;
            index[i] = k;
        }
        var chars = new long[local.Count * c];
        foreach (var (type, k) in local)
        {
            while (typeChars.Count <= type)
                typeChars.Add(null);
            var ids = typeChars[type] ??= ElmoCharacters.Of(vocab.TypeString(type), c);
            for (int j = 0; j < c; j++)
                chars[(long)k * c + j] = ids[j];
        }
        var unique = model.CharCnn.forward(tensor(chars, [1, local.Count, c]))[0];         // (U, P)
        var all = unique.index_select(0, tensor(index));                                  // (2·B·T, P)
        return (all[TensorIndex.Slice(0, fIn.Length)].view(b, steps, -1), all[TensorIndex.Slice(fIn.Length, null)].view(b, steps, -1));
    }

    private static Tensor Targets(ElmoLmVocabulary vocab, int[] types) => tensor(types.Select(t => (long)vocab.TypeTarget(t)).ToArray());

    /// <summary>One direction's LSTM stack from the carried states: the top output (B·T, P) and the new states.</summary>
    private static (Tensor Top, Tensor[] States) RunStack(IList<ElmoLstmLayer> layers, Tensor x, Tensor[] states, double dropout, bool training)
    {
        var next = new Tensor[2 * layers.Count];
        for (int l = 0; l < layers.Count; l++)
        {
            var input = training && dropout > 0 ? nn.functional.dropout(x, dropout, true) : x;
            var (output, c, m) = layers[l].Run(input, null, states?[2 * l], states?[2 * l + 1]);
            (next[2 * l], next[2 * l + 1]) = (c, m);
            x = output;
        }
        if (training && dropout > 0)
            x = nn.functional.dropout(x, dropout, true);
        return (x.reshape(-1, x.shape[2]), next);
    }

    private static void Keep(ref Tensor[] kept, Tensor[] next)
    {
        Dispose(kept);
        kept = next.Select(s =>
        {
            var d = s.detach().clone();
            d.DetachFromDisposeScope();
            return d;
        }).ToArray();
    }

    private static void Dispose(Tensor[] states)
    {
        if (states != null)
            foreach (var s in states)
                s.Dispose();
    }
}

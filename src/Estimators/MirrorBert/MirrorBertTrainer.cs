using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>
/// Mirror-BERT's training loop (Liu et al. 2021; cambridgeltl/mirror-bert, <c>train.py</c>): each step takes B strings,
/// pairs each with a copy whose random character span is masked (<see cref="MirrorBertMasking"/>), runs all 2B views
/// through the encoder in train mode (dropout on: the second augmentation, drawn independently for every view), pools
/// each view and minimises <see cref="MirrorBertLoss.InfoNce"/>. AdamW at a constant learning rate, weight decay on every
/// parameter, no gradient clipping, as the reference. Strings are shuffled every epoch (seeded) and masks drawn anew.
/// </summary>
/// <remarks>The reference runs the two copies as two forward calls; here they are one batch of 2B rows, which gives every
/// view its own dropout mask all the same and pads once. Its last incomplete batch is dropped (drop_last); here a last
/// batch of at least 2 strings is kept and a single left-over string joins the batch before it.</remarks>
internal sealed class MirrorBertTrainer
{
    private readonly MirrorBertOptions _o;
    private readonly int _seed;
    private readonly CatalogEnvironment.ILogChannel _log;

    public MirrorBertTrainer(MirrorBertOptions options, int seed, CatalogEnvironment.ILogChannel log)
    {
        _o = options;
        _seed = seed;
        _log = log;
    }

    /// <summary>The losses of every step and the loop's wall time, after <see cref="Train"/>.</summary>
    public List<float> StepLosses { get; } = [];
    public double Seconds { get; private set; }
    public int MaskedRows { get; private set; }

    /// <summary>Trains a model built from <paramref name="start"/> on <paramref name="texts"/> (at least 2, none empty);
    /// returns it in eval mode. The caller holds <see cref="FineTuningLoop.GlobalGate"/> and TorchSharp's thread scope,
    /// and disposes the model.</summary>
    public BertModel Train(BertCheckpoint start, IReadOnlyList<string> texts)
    {
        var o = _o;
        torch.random.manual_seed(_seed);
        var rng = new Random(_seed);
        var tokenizer = start.CreateTokenizer();
        int pad = tokenizer.PadId;
        var (model, config) = start.CreateModel();
        try
        {
            var plain = texts.Select(t => tokenizer.Encode(t, null, o.MaxTokens)).ToArray();
            MaskedRows = texts.Count(t => MirrorBertMasking.Masks(t, o.MaskSpanLength, o.MinMaskLength));
            var batchesPerEpoch = Batches(new Random(0), texts.Count).Count;
            int totalSteps = batchesPerEpoch * o.Epochs;
            using var optimizer = optim.AdamW(model.parameters(), o.LearningRate, 0.9, 0.999, 1e-8, o.WeightDecay);
            _log?.Info($"Mirror-BERT: {texts.Count} strings ({MaskedRows} long enough to mask), batch {o.BatchSize}, {o.Epochs} epoch(s) of " +
                       $"{batchesPerEpoch} steps, lr {o.LearningRate:G3}, weight decay {o.WeightDecay:G3}, τ {o.Temperature:G3}, span {o.MaskSpanLength}, " +
                       $"{o.MaxTokens} tokens, {o.Pooling} pooling, dropout {config.HiddenDropoutProb:G2}/{config.AttentionProbsDropoutProb:G2}, " +
                       $"seed {_seed}, {torch.get_num_threads()} threads.");

            var total = Stopwatch.StartNew();
            var window = Stopwatch.StartNew();
            int step = 0, windowSteps = 0, windowStrings = 0;
            double windowLoss = 0;
            model.train();
            for (int epoch = 1; epoch <= o.Epochs; epoch++)
            {
                foreach (var batch in Batches(rng, texts.Count))
                {
                    o.CancellationToken.ThrowIfCancellationRequested();
                    var views = new EncodedText[2 * batch.Length];
                    for (int k = 0; k < batch.Length; k++)
                    {
                        views[k] = plain[batch[k]];
                        views[batch.Length + k] = tokenizer.Encode(MirrorBertMasking.Mask(texts[batch[k]], rng, o.MaskSpanLength, o.MinMaskLength), null, o.MaxTokens);
                    }
                    float value;
                    using (NewDisposeScope())
                    {
                        optimizer.zero_grad();
                        var loss = MirrorBertLoss.InfoNce(Embed(model, views, o.Pooling, pad), o.Temperature);
                        value = loss.item<float>();
                        if (!float.IsFinite(value))
                            throw new InvalidOperationException(
                                $"Mirror-BERT: the training loss became {value} at step {step + 1}; lower LearningRate (now {o.LearningRate:G3}) or raise Temperature (now {o.Temperature:G3}).");
                        loss.backward();
                        optimizer.step();
                    }
                    StepLosses.Add(value);
                    step++;
                    windowSteps++;
                    windowStrings += batch.Length;
                    windowLoss += value;
                    if (step % o.ProgressInterval == 0 || step == epoch * batchesPerEpoch)
                    {
                        var progress = new MirrorBertProgress(epoch, step, totalSteps, windowLoss / windowSteps,
                            windowStrings / Math.Max(1e-9, window.Elapsed.TotalSeconds));
                        _log?.Info($"Mirror-BERT: {progress}");
                        o.Progress?.Report(progress);
                        windowLoss = 0;
                        windowSteps = windowStrings = 0;
                        window.Restart();
                    }
                }
            }
            Seconds = total.Elapsed.TotalSeconds;
            model.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Pooled sentence vectors (N, H) of <paramref name="views"/>, in the model's current mode (train: dropout on).</summary>
    internal static Tensor Embed(BertModel model, IReadOnlyList<EncodedText> views, ContextualPooling pooling, int padId)
    {
        using var scope = NewDisposeScope();
        using var tokens = TokenBatch.Create(views.Select(v => v.Ids).ToArray(), views.Select(v => v.TypeIds).ToArray(), padId);
        var (last, _) = model.forward(tokens.Ids, tokens.Mask, tokens.Types);              // (N, T, H)
        Tensor pooled;
        if (pooling == ContextualPooling.Cls)
            pooled = last.select(1, 0);                                                       // (N, H)
        else
        {
            var mask = tokens.Mask.to(last.dtype).unsqueeze(2);                               // (N, T, 1)
            pooled = last.mul(mask).sum(1).div(mask.sum(1).clamp_min(1));                     // (N, H)
        }
        return pooled.MoveToOuterDisposeScope();
    }

    /// <summary>One epoch's batches of string indices: a seeded shuffle cut into <see cref="MirrorBertOptions.BatchSize"/>
    /// strings; a single left-over string joins the last batch.</summary>
    internal List<int[]> Batches(Random rng, int count)
    {
        var order = Enumerable.Range(0, count).ToArray();
        rng.Shuffle(order);
        var batches = order.Chunk(_o.BatchSize).ToList();
        if (batches.Count > 1 && batches[^1].Length == 1)
        {
            batches[^2] = [.. batches[^2], .. batches[^1]];
            batches.RemoveAt(batches.Count - 1);
        }
        return batches;
    }
}

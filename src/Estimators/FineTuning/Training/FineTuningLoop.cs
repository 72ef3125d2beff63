using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>
/// BERT's fine-tuning loop: AdamW (no weight decay on LayerNorm and biases), linear warmup then linear decay, gradient
/// clipping, shuffled batches of similar lengths (less padding), a validation pass per epoch with early stopping and the
/// best epoch's weights restored, cancellation between steps, progress to MLContext.Log and an IProgress.
/// </summary>
internal sealed class FineTuningLoop
{
    private const int LengthGroupBatches = 50;   // batches drawn from one shuffled group sorted by length

    private readonly FineTuningOptions _options;
    private readonly int _seed;
    private readonly CatalogEnvironment.ILogChannel _log;
    private readonly string _name;

    public FineTuningLoop(FineTuningOptions options, int seed, CatalogEnvironment.ILogChannel log, string name)
    {
        _options = options;
        _seed = seed;
        _log = log;
        _name = name;
    }

    /// <summary>
    /// Held by a fit from seeding to the end of training: TorchSharp's generator (dropout, initialisation) and thread
    /// count are process-wide, so two fits at once would draw from each other's random stream.
    /// </summary>
    internal static readonly object GlobalGate = new();

    /// <summary>Sets TorchSharp's threads and seeds its generator; call before the model is built, under <see cref="GlobalGate"/>.</summary>
    /// <returns>What restores TorchSharp's thread count when disposed.</returns>
    public static IDisposable Prepare(FineTuningOptions options, int seed)
    {
        MLNetContextual.Torch.TorchRuntime.EnsureLoaded();
        var threads = MLNetContextual.Torch.TorchThreads.Use(options.NumberOfThreads);
        torch.random.manual_seed(seed);
        return threads;
    }

    /// <summary>Trains <paramref name="model"/> on examples 0..<paramref name="count"/>−1.</summary>
    /// <param name="model">The module whose parameters are trained (train mode for each epoch, eval mode to validate and at the end).</param>
    /// <param name="count">How many training examples.</param>
    /// <param name="lengthOf">Tokens of an example (to batch similar lengths together).</param>
    /// <param name="batchLoss">The mean loss of a batch of example indices (a scalar tensor with gradients).</param>
    /// <param name="validate">The validation metric (higher is better), computed in eval mode; null: no validation.</param>
    public FineTuningSummary Run(nn.Module model, int count, Func<int, int> lengthOf, Func<int[], Tensor> batchLoss, Func<double> validate)
    {
        var o = _options;
        int stepsPerEpoch = (count + o.BatchSize - 1) / o.BatchSize;
        int totalSteps = stepsPerEpoch * o.MaxEpochs;
        int warmupSteps = (int)Math.Ceiling(o.WarmupRatio * totalSteps);
        var rng = new Random(_seed);

        var named = model.named_parameters().Where(p => p.parameter.requires_grad).ToList();
        if (o.ReinitializePooler)
            ReinitializePooler(named);
        var parameters = named.Select(p => p.parameter).ToList();
        // One group per (learning-rate scale, weight decay on/off); scales are 1 unless layer-wise decay is on.
        var scales = LayerScales(named.Select(p => p.name).ToList(), o.LayerwiseLearningRateDecay);
        var groups = named.Select((p, i) => (p.parameter, Scale: scales[i], Decay: !IsNoDecay(p.name)))
            .GroupBy(p => (p.Scale, p.Decay))
            .Select(g => (Scale: g.Key.Scale, Group: new AdamW.ParamGroup(g.Select(p => p.parameter).ToList(), o.LearningRate * g.Key.Scale,
                0.9, 0.999, 1e-6, g.Key.Decay ? o.WeightDecay : 0.0, false, false)))
            .ToList();
        using var optimizer = optim.AdamW(groups.Select(g => g.Group).ToArray(), o.LearningRate);
        var groupScales = groups.Select(g => g.Scale).ToArray();

        _log?.Info($"{_name}: {count} training examples, batch {o.BatchSize}, {o.MaxEpochs} epoch(s) of {stepsPerEpoch} steps, " +
                   $"warmup {warmupSteps} steps, lr {o.LearningRate:G3}, layer-wise decay {o.LayerwiseLearningRateDecay:G3}, " +
                   $"pooler {(o.ReinitializePooler ? "re-initialised" : "kept")}, seed {_seed}, {torch.get_num_threads()} threads.");

        double bestMetric = double.NegativeInfinity;
        int bestEpoch = 0, epochsRun = 0, step = 0, stale = 0;
        Dictionary<string, Tensor> best = null;
        var total = Stopwatch.StartNew();
        var window = Stopwatch.StartNew();
        double windowLoss = 0;
        int windowSteps = 0, windowExamples = 0;
        long examplesSeen = 0;
        double lr = 0;
        var validationScores = new List<double>();
        try
        {
            for (int epoch = 1; epoch <= o.MaxEpochs; epoch++)
            {
                model.train();
                foreach (var batch in Batches(rng, count, o.BatchSize, lengthOf))
                {
                    o.CancellationToken.ThrowIfCancellationRequested();
                    lr = o.LearningRate * (step < warmupSteps
                        ? (step + 1.0) / warmupSteps
                        : Math.Max(0.0, (totalSteps - step) / (double)Math.Max(1, totalSteps - warmupSteps)));
                    int gi = 0;
                    foreach (var group in optimizer.ParamGroups)
                        group.LearningRate = lr * groupScales[gi++];

                    using (var scope = NewDisposeScope())
                    {
                        optimizer.zero_grad();
                        var loss = batchLoss(batch);
                        float value = loss.item<float>();
                        if (!float.IsFinite(value))
                            throw new InvalidOperationException(
                                $"{_name}: the training loss became {value} at step {step + 1}; lower LearningRate (now {o.LearningRate:G3}).");
                        loss.backward();
                        if (o.MaxGradientNorm > 0)
                            nn.utils.clip_grad_norm_(parameters, o.MaxGradientNorm);
                        optimizer.step();
                        windowLoss += value;
                    }
                    step++;
                    windowSteps++;
                    windowExamples += batch.Length;
                    examplesSeen += batch.Length;

                    if (step % o.ProgressInterval == 0 || step == epoch * stepsPerEpoch)
                    {
                        var progress = new FineTuningProgress(epoch, step, totalSteps, windowLoss / windowSteps,
                            windowExamples / Math.Max(1e-9, window.Elapsed.TotalSeconds), lr, null);
                        Report(progress);
                        windowLoss = 0;
                        windowSteps = windowExamples = 0;
                        window.Restart();
                    }
                }
                epochsRun = epoch;

                if (validate != null)
                {
                    o.CancellationToken.ThrowIfCancellationRequested();
                    model.eval();
                    double metric;
                    using (no_grad())
                        metric = validate();
                    model.train();
                    validationScores.Add(metric);
                    Report(new FineTuningProgress(epoch, step, totalSteps, double.NaN, 0, lr, metric));
                    if (metric > bestMetric)
                    {
                        bestMetric = metric;
                        bestEpoch = epoch;
                        stale = 0;
                        TorchState.Dispose(best);
                        best = epoch < o.MaxEpochs ? TorchState.Snapshot(model) : null;
                    }
                    else if (++stale >= o.EarlyStoppingPatience)
                    {
                        _log?.Info($"{_name}: validation has not improved for {stale} epoch(s); stopping after epoch {epoch}, keeping epoch {bestEpoch}.");
                        break;
                    }
                    window.Restart();
                }
            }
            if (best != null && bestEpoch != epochsRun)
            {
                TorchState.Restore(model, best);
                _log?.Info($"{_name}: restored the weights of epoch {bestEpoch} (validation {bestMetric:F4}).");
            }
        }
        finally
        {
            TorchState.Dispose(best);
            model.eval();
        }
        double seconds = total.Elapsed.TotalSeconds;
        return new FineTuningSummary(epochsRun, validate != null ? bestEpoch : epochsRun, step, examplesSeen,
            seconds, examplesSeen / Math.Max(1e-9, seconds), validate != null ? bestMetric : null, validationScores);
    }

    private static bool IsNoDecay(string name) => name.EndsWith(".bias", StringComparison.Ordinal)
        || name.Contains("LayerNorm", StringComparison.Ordinal) || name.Contains("layer_norm", StringComparison.Ordinal);

    /// <summary>Learning-rate scale per parameter: 1 for the head and pooler, decay^(L − i) for encoder layer i of L,
    /// decay^(L + 1) for the embeddings (names with <c>encoder.layer.N.</c> and <c>embeddings.</c>).</summary>
    internal static double[] LayerScales(IReadOnlyList<string> names, double decay)
    {
        var layers = names.Select(LayerOf).ToArray();
        int count = layers.Where(l => l >= 0).DefaultIfEmpty(-1).Max() + 1;
        return names.Select((n, i) => decay == 1.0 ? 1.0
            : layers[i] >= 0 ? Math.Pow(decay, count - layers[i])
            : n.Contains("embeddings.", StringComparison.Ordinal) ? Math.Pow(decay, count + 1)
            : 1.0).ToArray();
    }

    private static int LayerOf(string name)
    {
        const string marker = "encoder.layer.";
        int at = name.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
            return -1;
        int start = at + marker.Length, end = start;
        while (end < name.Length && char.IsAsciiDigit(name[end]))
            end++;
        return end > start ? int.Parse(name.AsSpan(start, end - start), System.Globalization.CultureInfo.InvariantCulture) : -1;
    }

    private static void ReinitializePooler(List<(string name, Parameter parameter)> named)
    {
        using (no_grad())
            foreach (var (name, p) in named.Where(p => p.name.Contains("pooler.dense.", StringComparison.Ordinal)))
            {
                if (name.EndsWith(".weight", StringComparison.Ordinal))
                    nn.init.normal_(p, 0, 0.02);
                else
                    p.zero_();
            }
    }

    private void Report(FineTuningProgress progress)
    {
        _log?.Info($"{_name}: {progress}");
        _options.Progress?.Report(progress);
    }

    /// <summary>
    /// One epoch's batches: a seeded shuffle, cut into groups of <see cref="LengthGroupBatches"/> batches, each group
    /// sorted by length and cut into batches, the batches then shuffled. Same seed, same batches.
    /// </summary>
    internal static List<int[]> Batches(Random rng, int count, int batchSize, Func<int, int> lengthOf)
    {
        var order = Enumerable.Range(0, count).ToArray();
        rng.Shuffle(order);
        var batches = new List<int[]>();
        int group = batchSize * LengthGroupBatches;
        for (int g = 0; g < count; g += group)
        {
            var slice = order.Skip(g).Take(group).OrderBy(lengthOf).ToArray();   // OrderBy is stable: ties keep shuffle order
            for (int b = 0; b < slice.Length; b += batchSize)
                batches.Add(slice.Skip(b).Take(batchSize).ToArray());
        }
        var shuffled = batches.ToArray();
        rng.Shuffle(shuffled);
        return [.. shuffled];
    }
}

/// <summary>What a fine-tuning run did (not saved with the model).</summary>
/// <param name="EpochsRun">Epochs trained (fewer than MaxEpochs after early stopping).</param>
/// <param name="KeptEpoch">The epoch whose weights were kept.</param>
/// <param name="Steps">Optimisation steps.</param>
/// <param name="Examples">Training examples (QA: windows) processed, over all epochs.</param>
/// <param name="Seconds">Wall time of the loop, validation included.</param>
/// <param name="ExamplesPerSecond">Examples over seconds.</param>
/// <param name="BestValidationMetric">The kept epoch's validation metric; null without a validation set.</param>
/// <param name="ValidationMetrics">The validation metric after each epoch.</param>
public sealed record FineTuningSummary(int EpochsRun, int KeptEpoch, int Steps, long Examples, double Seconds,
    double ExamplesPerSecond, double? BestValidationMetric, IReadOnlyList<double> ValidationMetrics);

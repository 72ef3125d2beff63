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
        var threads = options.NumberOfThreads is int n ? MLNetContextual.Torch.TorchThreads.Use(n) : null;
        torch.random.manual_seed(seed);
        return threads;
    }

    /// <summary>Trains <paramref name="model"/> on examples 0..<paramref name="count"/>−1.</summary>
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
        var noDecay = named.Where(p => p.name.EndsWith(".bias", StringComparison.Ordinal) || p.name.Contains("LayerNorm", StringComparison.Ordinal)
            || p.name.Contains("layer_norm", StringComparison.Ordinal)).Select(p => p.parameter).ToList();
        var decay = named.Select(p => p.parameter).Except(noDecay).ToList();
        var parameters = named.Select(p => p.parameter).ToList();
        using var optimizer = optim.AdamW(
        [
            new AdamW.ParamGroup(decay, o.LearningRate, 0.9, 0.999, 1e-6, o.WeightDecay, false, false),
            new AdamW.ParamGroup(noDecay, o.LearningRate, 0.9, 0.999, 1e-6, 0.0, false, false),
        ], o.LearningRate);

        _log?.Info($"{_name}: {count} training examples, batch {o.BatchSize}, {o.MaxEpochs} epoch(s) of {stepsPerEpoch} steps, " +
                   $"warmup {warmupSteps} steps, lr {o.LearningRate:G3}, seed {_seed}, {torch.get_num_threads()} threads.");

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
                    foreach (var group in optimizer.ParamGroups)
                        group.LearningRate = lr;

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

using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>
/// The multi-task loop of the Universal Sentence Encoder: a vocabulary from every task's sentences, then steps that each
/// draw a task by its weight and train on a batch of it (Adam; the DAN's embedding table by LazyAdam; linear warmup and decay; clipping at 1), a
/// validation Spearman after every epoch with the best epoch's weights kept, cancellation between steps.
/// </summary>
internal sealed class UseTrainer
{
    private const double WarmupShare = 0.05;

    private readonly UniversalSentenceEncoderOptions _o;
    private readonly int _seed;
    private readonly CatalogEnvironment.ILogChannel _log;

    public UseTrainer(UniversalSentenceEncoderOptions options, int seed, CatalogEnvironment.ILogChannel log)
    {
        _o = options;
        _seed = seed;
        _log = log;
    }

    public (ContextualEncoder Encoder, List<UseEpochSummary> History, int BestEpoch) Train()
    {
        var o = _o;
        var cancel = o.CancellationToken;
        var data = o.Tasks.Select(t => t.Load(o.OutputDimension, cancel)).ToList();
        for (int i = 0; i < data.Count; i++)
            if (data[i].Skipped > 0)
                _log?.Warning($"Task '{o.Tasks[i].Name}': {data[i].Skipped} row(s) with an empty sentence or a missing value skipped.");
        var validation = o.Validation == null ? null : UseValidation.Load(o.Validation, cancel);
        var words = UseTokenizer.BuildVocabulary(data.SelectMany(d => d.Texts), o.LowerCase, o.VocabularySize, o.MinCount, cancel);
        bool dan = o.Architecture == UseArchitecture.Dan;
        var tokenizer = new UseTokenizer(words, o.LowerCase, o.OovBuckets, dan ? o.BigramBuckets : 0);

        lock (FineTuningLoop.GlobalGate)
        {
            Torch.TorchRuntime.EnsureLoaded();
            using var threads = Torch.TorchThreads.Use(o.NumberOfThreads);
            torch.random.manual_seed(_seed);
            using var model = dan
                ? (IUseTrainable)new UseDanTrainable(tokenizer, o.EmbeddingDimension, o.DanLayerSizes(), o.TrainingMaxTokens, o.WordDropout)
                : new UseTransformerTrainable(tokenizer, TransformerConfig(tokenizer), Math.Min(o.TrainingMaxTokens, o.TransformerMaxPositions));
            var heads = data.Select(d => d.CreateHead(model.Dimension)).ToList();
            try
            {
                return Loop(model, heads, data, validation, tokenizer);
            }
            finally
            {
                foreach (var h in heads)
                    h?.Dispose();
            }
        }
    }

    internal BertConfig TransformerConfig(UseTokenizer tokenizer) => new BertConfig
    {
        VocabSize = tokenizer.TokenRows, HiddenSize = _o.OutputDimension, NumHiddenLayers = _o.TransformerLayers,
        NumAttentionHeads = _o.TransformerHeads, IntermediateSize = _o.TransformerFeedForwardSize,
        MaxPositionEmbeddings = _o.TransformerMaxPositions, TypeVocabSize = 1, LayerNormEps = 1e-6,
        HiddenDropoutProb = _o.TransformerDropout, AttentionProbsDropoutProb = _o.TransformerDropout, HiddenAct = "gelu",
    }.Validate();

    private (ContextualEncoder, List<UseEpochSummary>, int) Loop(IUseTrainable model, List<nn.Module> heads, List<UseTaskData> data,
        UseValidation validation, UseTokenizer tokenizer)
    {
        var o = _o;
        var cancel = o.CancellationToken;
        var rng = new Random(_seed);
        var sparse = model.SparseParameter;
        var parameters = model.Module.named_parameters().Where(p => p.name != model.SparseParameterName).Select(p => p.parameter)
            .Concat(heads.Where(h => h != null).SelectMany(h => h.parameters())).ToList();
        using var optimizer = optim.Adam(parameters, o.LearningRate);
        using var lazy = sparse is null ? null : new LazyAdam(sparse);
        long examples = data.Sum(d => (long)d.Count);
        int stepsPerEpoch = (int)Math.Max(1, (examples + o.BatchSize - 1) / o.BatchSize);
        int totalSteps = stepsPerEpoch * o.Epochs, warmup = (int)Math.Ceiling(WarmupShare * totalSteps);
        double weightSum = o.Tasks.Sum(t => t.Weight);
        var cumulative = o.Tasks.Select(t => t.Weight / weightSum).ToArray();
        for (int i = 1; i < cumulative.Length; i++)
            cumulative[i] += cumulative[i - 1];
        var samplers = data.Select(d => new BatchSampler(d.Count, rng)).ToList();
        _log?.Info($"LearnUniversalSentenceEncoder ({o.Architecture}): {string.Join(", ", o.Tasks.Select((t, i) => $"{t.Name} {data[i].Count} rows, weight {t.Weight}"))}; " +
                   $"vocabulary {tokenizer.Words.Count} words; {o.Epochs} epoch(s) of {stepsPerEpoch} steps, batch {o.BatchSize}, lr {o.LearningRate:G3}, seed {_seed}, {torch.get_num_threads()} threads.");

        var history = new List<UseEpochSummary>();
        Dictionary<string, Tensor> best = null;
        double bestScore = double.NegativeInfinity;
        int bestEpoch = 0, step = 0;
        var windowLoss = new Dictionary<string, (double Sum, int Count)>();
        double windowTotal = 0;
        int windowSteps = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            for (int epoch = 1; epoch <= o.Epochs; epoch++)
            {
                model.Module.train();
                foreach (var h in heads)
                    h?.train();
                double epochLoss = 0;
                for (int s = 0; s < stepsPerEpoch; s++)
                {
                    cancel.ThrowIfCancellationRequested();
                    double u = rng.NextDouble();
                    int task = Array.FindIndex(cumulative, c => u < c);
                    if (task < 0)
                        task = cumulative.Length - 1;
                    var rows = samplers[task].Next(Math.Min(o.BatchSize, data[task].Count));
                    double lr = step < warmup ? o.LearningRate * (step + 1) / warmup
                        : o.LearningRate * Math.Max(0.0, (double)(totalSteps - step) / Math.Max(1, totalSteps - warmup));
                    foreach (var g in optimizer.ParamGroups)
                        g.LearningRate = lr;
                    double loss;
                    using (var scope = NewDisposeScope())
                    {
                        optimizer.zero_grad();
                        var l = data[task].Loss(model, rows, rng);
                        l.backward();
                        nn.utils.clip_grad_norm_(parameters, 1.0);   // the dense parameters (the sparse table is not clipped)
                        optimizer.step();
                        lazy?.Step(lr, step + 1);
                        loss = l.item<float>();
                    }
                    if (!double.IsFinite(loss))
                        throw new InvalidOperationException($"Training diverged at step {step + 1} (task '{o.Tasks[task].Name}', loss {loss}); lower LearningRate (now {o.LearningRate}).");
                    step++;
                    epochLoss += loss;
                    windowTotal += loss;
                    windowSteps++;
                    var name = o.Tasks[task].Name;
                    windowLoss[name] = windowLoss.TryGetValue(name, out var w) ? (w.Sum + loss, w.Count + 1) : (loss, 1);
                    if (step % o.ReportEvery == 0)
                    {
                        var p = new UseTrainingProgress(epoch, step, totalSteps, windowTotal / windowSteps,
                            windowLoss.ToDictionary(kv => kv.Key, kv => kv.Value.Sum / kv.Value.Count), null, null);
                        o.Progress?.Report(p);
                        _log?.Info($"{p} ({clock.Elapsed.TotalSeconds:F0} s)");
                        windowLoss.Clear();
                        windowTotal = 0;
                        windowSteps = 0;
                    }
                }
                double? spearman = null, angular = null;
                if (validation != null)
                {
                    model.Module.eval();
                    (spearman, angular) = validation.Score(model, o.BatchSize);
                    var p = new UseTrainingProgress(epoch, step, totalSteps, double.NaN, new Dictionary<string, double>(), spearman, angular);
                    o.Progress?.Report(p);
                    _log?.Info(p.ToString());
                    if (spearman.Value > bestScore)
                    {
                        bestScore = spearman.Value;
                        bestEpoch = epoch;
                        TorchState.Dispose(best);
                        best = TorchState.Snapshot(model.Module);
                    }
                }
                history.Add(new UseEpochSummary(epoch, epochLoss / stepsPerEpoch, spearman));
            }
            if (best != null)
                TorchState.Restore(model.Module, best);
            else
                bestEpoch = o.Epochs;
            model.Module.eval();
            cancel.ThrowIfCancellationRequested();
            string label = o.Architecture == UseArchitecture.Dan ? "use-dan" : "use-transformer";
            return (model.ToEncoder($"{label}-{model.Dimension}"), history, bestEpoch);
        }
        finally
        {
            TorchState.Dispose(best);
        }
    }

    /// <summary>Shuffled passes over a task's rows.</summary>
    private sealed class BatchSampler(int count, Random rng)
    {
        private int[] _order = [];
        private int _at;

        public int[] Next(int size)
        {
            var batch = new int[size];
            for (int k = 0; k < size; k++)
            {
                if (_at == _order.Length)
                {
                    _order = Enumerable.Range(0, count).ToArray();
                    rng.Shuffle(_order);
                    _at = 0;
                }
                batch[k] = _order[_at++];
            }
            return batch;
        }
    }
}

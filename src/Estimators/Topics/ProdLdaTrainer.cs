using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>
/// The reference's training loop (<c>CTM.fit</c>): Adam(lr, (β₁, β₂)) on the summed negative ELBO of each shuffled
/// batch, the last partial batch dropped; an optional validation loss after each epoch with early stopping, keeping the
/// best epoch's weights. Holds <see cref="FineTuningLoop.GlobalGate"/> (TorchSharp's generator and thread count are
/// process-wide) and restores the thread count afterwards.
/// </summary>
internal sealed class ProdLdaTrainer
{
    private readonly ContextualTopicModelOptions _options;
    private readonly TopicModelConfig _config;
    private readonly int _seed;
    private readonly CatalogEnvironment.ILogChannel _log;

    public ProdLdaTrainer(ContextualTopicModelOptions options, TopicModelConfig config, int seed, CatalogEnvironment.ILogChannel log)
    {
        _options = options;
        _config = config;
        _seed = seed;
        _log = log;
    }

    public sealed record Result(TopicNetworkWeights Weights, int TrainingDocuments, int ValidationDocuments, int EpochsRun, int KeptEpoch,
        IReadOnlyList<double> Losses, IReadOnlyList<double> ValidationLosses);

    public Result Train(List<TopicDocument> documents)
    {
        var o = _options;
        var rng = new Random(_seed);
        var order = Enumerable.Range(0, documents.Count).ToArray();
        int validationCount = o.ValidationFraction > 0 ? (int)Math.Round(o.ValidationFraction * documents.Count) : 0;
        validationCount = Math.Min(validationCount, documents.Count - 2);
        if (validationCount > 0)
            rng.Shuffle(order);
        var validation = order.Take(validationCount).Select(i => documents[i]).ToList();
        var train = order.Skip(validationCount).Select(i => documents[i]).ToList();

        lock (FineTuningLoop.GlobalGate)
        {
            MLNetContextual.Torch.TorchRuntime.EnsureLoaded();
            using var threads = MLNetContextual.Torch.TorchThreads.Use(o.NumberOfThreads);
            torch.random.manual_seed(_seed);
            return Run(train, validation, rng);
        }
    }

    private Result Run(List<TopicDocument> train, List<TopicDocument> validation, Random rng)
    {
        var o = _options;
        using var network = new ProdLdaNetwork(_config);
        using var optimizer = optim.Adam(network.parameters(), o.LearningRate, o.Beta1, o.Beta2);
        int batch = Math.Min(o.BatchSize, train.Count);
        int batches = train.Count / batch;   // the last partial batch is dropped, as the reference's DataLoader(drop_last=True)
        _log?.Info($"ContextualTopicModel ({_config.Variant}): {train.Count} training and {validation.Count} validation documents, " +
                   $"{_config.VocabularySize} words, K = {_config.Topics}, batch {batch}, {o.MaxEpochs} epochs, lr {o.LearningRate:G3}, " +
                   $"seed {_seed}, {torch.get_num_threads()} threads.");

        var losses = new List<double>();
        var validationLosses = new List<double>();
        double best = double.PositiveInfinity;
        int bestEpoch = 0, stale = 0, epochsRun = 0;
        Dictionary<string, Tensor> snapshot = null;
        var indices = Enumerable.Range(0, train.Count).ToArray();
        try
        {
            for (int epoch = 1; epoch <= o.MaxEpochs; epoch++)
            {
                var clock = Stopwatch.StartNew();
                network.train();
                rng.Shuffle(indices);
                double total = 0;
                int seen = 0;
                for (int b = 0; b < batches; b++)
                {
                    o.CancellationToken.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    var (bow, embedding) = Tensors(train, indices.AsSpan(b * batch, batch));
                    optimizer.zero_grad();
                    using var output = network.call(bow, embedding);
                    var loss = network.Loss(bow, output).sum();
                    float value = loss.item<float>();
                    if (!float.IsFinite(value))
                        throw new InvalidOperationException(
                            $"ContextualTopicModel: the training loss became {value} in epoch {epoch}; lower LearningRate (now {o.LearningRate:G3}).");
                    loss.backward();
                    optimizer.step();
                    total += value;
                    seen += batch;
                }
                epochsRun = epoch;
                double meanLoss = total / Math.Max(1, seen);
                losses.Add(meanLoss);
                double? validationLoss = null;
                if (validation.Count > 0)
                {
                    o.CancellationToken.ThrowIfCancellationRequested();
                    validationLoss = ValidationLoss(network, validation, batch);
                    validationLosses.Add(validationLoss.Value);
                }
                var progress = new ContextualTopicModelProgress(epoch, o.MaxEpochs, meanLoss, validationLoss,
                    seen / Math.Max(1e-9, clock.Elapsed.TotalSeconds));
                _log?.Info($"ContextualTopicModel: {progress}");
                o.Progress?.Report(progress);

                if (validationLoss is double v)
                {
                    if (v < best)
                    {
                        best = v;
                        bestEpoch = epoch;
                        stale = 0;
                        TorchState.Dispose(snapshot);
                        snapshot = TorchState.Snapshot(network);
                    }
                    else if (++stale >= o.EarlyStoppingPatience)
                    {
                        _log?.Info($"ContextualTopicModel: validation loss has not improved for {stale} epochs; stopping after epoch {epoch}, keeping epoch {bestEpoch}.");
                        break;
                    }
                }
            }
            if (snapshot != null && bestEpoch != epochsRun)
                TorchState.Restore(network, snapshot);
        }
        finally
        {
            TorchState.Dispose(snapshot);
        }
        network.eval();
        return new Result(TopicNetworkWeights.From(_config, network), train.Count, validation.Count, epochsRun,
            validation.Count > 0 ? bestEpoch : epochsRun, losses, validationLosses);
    }

    /// <summary>Mean negative ELBO per document in eval mode (the reference's <c>_validation</c>: θ still sampled).</summary>
    private double ValidationLoss(ProdLdaNetwork network, List<TopicDocument> rows, int batch)
    {
        network.eval();
        double total = 0;
        using (no_grad())
        {
            var all = Enumerable.Range(0, rows.Count).ToArray();
            for (int start = 0; start < rows.Count; start += batch)
            {
                using var scope = NewDisposeScope();
                var (bow, embedding) = Tensors(rows, all.AsSpan(start, Math.Min(batch, rows.Count - start)));
                using var output = network.call(bow, embedding);
                total += network.Loss(bow, output).sum().item<float>();
            }
        }
        network.train();
        return total / rows.Count;
    }

    /// <summary>Dense (B, V) counts and (B, D) embeddings of the documents <paramref name="ids"/>.</summary>
    private (Tensor Bow, Tensor Embedding) Tensors(List<TopicDocument> rows, ReadOnlySpan<int> ids)
    {
        int v = _config.VocabularySize, d = _config.EmbeddingSize, n = ids.Length;
        var bow = new float[n * v];
        var embedding = new float[n * d];
        for (int r = 0; r < n; r++)
        {
            var doc = rows[ids[r]];
            for (int j = 0; j < doc.Bow.Ids.Length; j++)
                bow[r * v + doc.Bow.Ids[j]] = doc.Bow.Counts[j];
            doc.Embedding.CopyTo(embedding, r * d);
        }
        return (tensor(bow, [n, v]), tensor(embedding, [n, d]));
    }
}

using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>
/// Trains a BERT encoder with Mirror-BERT (Liu et al. 2021) during <see cref="Fit"/> on the strings of the text column,
/// then writes the trained weights into an ONNX graph and returns a <see cref="MirrorBertTransformer"/> that maps the
/// text column to the pooled sentence vector (<c>Vector&lt;Single, hidden&gt;</c>) and exposes the trained
/// <see cref="MirrorBertTransformer.Encoder"/>. Rows whose text is null, empty or white space only are not trained on
/// (the count is logged and kept in <see cref="MirrorBertTransformer.Summary"/>); they embed as the empty text.
/// </summary>
public sealed class MirrorBertEstimator : IEstimator<MirrorBertTransformer>
{
    private const string Name = "Mirror-BERT";

    private readonly string _output, _input;
    private readonly MirrorBertOptions _options;
    private readonly CatalogEnvironment _env;

    internal MirrorBertEstimator(string outputColumnName, string inputColumnName, MirrorBertOptions options, CatalogEnvironment env)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _output = outputColumnName;
        _input = inputColumnName ?? outputColumnName;
        _options = options;
        _env = env;
    }

    /// <summary>Trains the encoder on the text column of <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The text column is missing or not String.</exception>
    /// <exception cref="ArgumentException">Fewer than 2 rows have non-empty text.</exception>
    /// <exception cref="OperationCanceledException">The options' CancellationToken was cancelled (nothing is returned).</exception>
    public MirrorBertTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = _options;
        var column = SchemaChecks.RequireText(input.Schema, _input);
        var all = DataViewColumns.ReadAll(input, [column], row => SchemaChecks.TextReader(row, column.Index), o.CancellationToken);
        var texts = all.Where(t => !string.IsNullOrWhiteSpace(t)).ToList();
        int skipped = all.Count - texts.Count;
        if (o.MaxRows is int max && texts.Count > max)
            texts = texts.Take(max).ToList();
        if (texts.Count < 2)
            throw new ArgumentException(
                $"Input column '{_input}' has {texts.Count} non-empty text(s) ({skipped} null or empty skipped); Mirror-BERT needs at least 2.", nameof(input));

        int seed = o.Seed ?? _env?.Seed ?? 0;
        using var log = _env?.OpenLog(nameof(MirrorBertEstimator));
        if (skipped > 0)
            log?.Warning($"{Name}: {skipped} of {all.Count} rows have null, empty or white-space text in column '{_input}'; they are not trained on.");
        var start = o.Checkpoint;
        var trainer = new MirrorBertTrainer(o, seed, log);
        BertOnnxEncoder encoder;
        string how;
        lock (FineTuningLoop.GlobalGate)
        {
            using var threads = Torch.TorchThreads.Use(o.NumberOfThreads);
            using var model = trainer.Train(start, texts);
            o.CancellationToken.ThrowIfCancellationRequested();
            (encoder, how) = MirrorBertGraph.Write(start, model, m => log?.Info($"{Name}: {m}"));
        }
        log?.Info($"{Name}: {trainer.StepLosses.Count} steps in {trainer.Seconds:F1} s; loss {trainer.StepLosses[0]:F4} → {trainer.StepLosses[^1]:F4}; ONNX graph: {how}.");
        var summary = new MirrorBertSummary(start.Name, texts.Count, skipped, trainer.MaskedRows, o.Epochs, trainer.StepLosses.ToArray(),
            trainer.Seconds, seed, how);
        var handle = EncoderHandle.Create(new EncoderOptions
        {
            Encoder = encoder, MaxTokens = Math.Min(o.InferenceMaxTokens, encoder.MaxPositions), BatchSize = o.InferenceBatchSize,
            IntraOpThreads = o.InferenceThreads, SelfContainedZip = true,
        }, nameof(MirrorBertTransformer));
        return new MirrorBertTransformer(_output, _input, handle, o.Pooling, summary);
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        SchemaChecks.RequireText(inputSchema, _input);
        return SchemaShapes.With(inputSchema, SchemaShapes.Vector(_output, NumberDataViewType.Single, knownSize: true));
    }
}

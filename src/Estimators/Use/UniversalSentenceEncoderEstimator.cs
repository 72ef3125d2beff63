using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>
/// Trains a Universal Sentence Encoder (Cer et al. 2018; DAN or Transformer) during <see cref="Fit"/> on the tasks of its
/// options, each from its own IDataView, and returns a <see cref="UniversalSentenceEncoderTransformer"/> that maps the
/// text column to the sentence vector (<c>Vector&lt;Single, OutputDimension&gt;</c>) and exposes the trained encoder.
/// The data passed to <see cref="Fit"/> is only checked for the text column: the tasks hold the training data.
/// </summary>
public sealed class UniversalSentenceEncoderEstimator : IEstimator<UniversalSentenceEncoderTransformer>
{
    private readonly string _output, _input;
    private readonly UniversalSentenceEncoderOptions _options;
    private readonly int? _contextSeed;
    private readonly CatalogEnvironment _env;

    internal UniversalSentenceEncoderEstimator(string outputColumnName, string inputColumnName, UniversalSentenceEncoderOptions options, CatalogEnvironment env)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        ArgumentNullException.ThrowIfNull(options);
        _output = outputColumnName;
        _input = inputColumnName ?? outputColumnName;
        _options = options;
        _options.Validate();
        _env = env;
        _contextSeed = env?.Seed;
    }

    /// <summary>Trains the encoder on the tasks; <paramref name="input"/> must hold the text column.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The text column or a task's column is missing or mistyped, a task has
    /// no rows, or a teacher's dimension differs from OutputDimension (the message names the task and the column).</exception>
    /// <exception cref="OperationCanceledException">The options' CancellationToken was cancelled.</exception>
    public UniversalSentenceEncoderTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckSchemas(input.Schema);
        using var log = _env?.OpenLog(nameof(UniversalSentenceEncoderEstimator));
        var (encoder, history, bestEpoch) = new UseTrainer(_options, _options.Seed ?? _contextSeed ?? 0, log).Train();
        var handle = EncoderHandle.Create(new EncoderOptions
        {
            Encoder = encoder, MaxTokens = _options.MaxTokens, BatchSize = _options.InferenceBatchSize, IntraOpThreads = _options.InferenceThreads,
            SelfContainedZip = true,
        }, nameof(UniversalSentenceEncoderTransformer));
        return new UniversalSentenceEncoderTransformer(_output, _input, handle, history, bestEpoch);
    }

    private void CheckSchemas(DataViewSchema input)
    {
        SchemaChecks.RequireText(input, _input);
        foreach (var task in _options.Tasks)
            task.CheckSchema(task.Data.Schema, _options.OutputDimension);
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        SchemaChecks.RequireText(inputSchema, _input);
        foreach (var task in _options.Tasks)
            task.CheckSchema(task.Data.Schema, _options.OutputDimension);
        return SchemaShapes.With(inputSchema, SchemaShapes.Vector(_output, NumberDataViewType.Single, knownSize: true));
    }
}

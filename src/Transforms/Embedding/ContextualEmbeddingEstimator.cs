using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>
/// Estimator for <see cref="ContextualEmbeddingTransformer"/>: nothing to learn; <see cref="Fit"/> loads the encoder and
/// checks the input column. An encoder that cannot give what the options ask for fails here, when it is built.
/// </summary>
public sealed class ContextualEmbeddingEstimator : IEstimator<ContextualEmbeddingTransformer>
{
    private readonly string _output, _input;
    private readonly ContextualEmbeddingOptions _options;
    private readonly ContextualPooling _pooling;

    internal ContextualEmbeddingEstimator(string outputColumnName, string inputColumnName, ContextualEmbeddingOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        _output = outputColumnName;
        _input = inputColumnName ?? outputColumnName;
        _options = options ?? new ContextualEmbeddingOptions();
        _options.Validate();
        _pooling = _options.ResolvePooling(_options.Encoder);
    }

    /// <inheritdoc />
    public ContextualEmbeddingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        SchemaChecks.RequireText(input.Schema, _input);
        var encoder = EncoderHandle.Create(_options, nameof(ContextualEmbeddingTransformer));
        return new ContextualEmbeddingTransformer(_output, _input,
            new SentenceEmbedder(encoder, _pooling, _options.Normalize, _options.LongText, _options.WindowOverlap, _options.CacheSizeMB));
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        SchemaChecks.RequireText(inputSchema, _input);
        return SchemaShapes.With(inputSchema, SchemaShapes.Vector(_output, NumberDataViewType.Single, knownSize: true));
    }
}

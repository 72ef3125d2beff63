using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>
/// Estimator for <see cref="ContextualEmbeddingTransformer"/>: nothing to learn; <see cref="Fit"/> loads the encoder and
/// checks the input column.
/// </summary>
public sealed class ContextualEmbeddingEstimator : IEstimator<ContextualEmbeddingTransformer>
{
    private readonly string _output, _input;
    private readonly ContextualEmbeddingOptions _options;

    internal ContextualEmbeddingEstimator(string outputColumnName, string inputColumnName, ContextualEmbeddingOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        _output = outputColumnName;
        _input = inputColumnName ?? outputColumnName;
        _options = options ?? new ContextualEmbeddingOptions();
        _options.Validate();
        if (!Enum.IsDefined(_options.Pooling))
            throw new ArgumentOutOfRangeException(nameof(options),
                $"Invalid pooling mode: {_options.Pooling}. Valid pooling modes are: {string.Join(", ", Enum.GetNames<ContextualPooling>())}.");
    }

    /// <inheritdoc />
    public ContextualEmbeddingTransformer Fit(IDataView input)
    {
        SchemaChecks.RequireText(input.Schema, _input);
        return new ContextualEmbeddingTransformer(_output, _input, EncoderHandle.Create(_options), _options.Pooling,
            _options.Normalize, _options.TokensColumnName);
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        SchemaChecks.RequireText(inputSchema, _input);
        if (_options.Pooling == ContextualPooling.None)
            return SchemaShapes.With(inputSchema,
                SchemaShapes.Vector(_output, NumberDataViewType.Single, knownSize: false),
                SchemaShapes.Vector(_options.TokensColumnName ?? _output + "Tokens", TextDataViewType.Instance, knownSize: false));
        return SchemaShapes.With(inputSchema, SchemaShapes.Vector(_output, NumberDataViewType.Single, knownSize: true));
    }
}

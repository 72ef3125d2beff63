using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>Estimator for <see cref="ContextualTokenEmbeddingTransformer"/>: nothing to learn; <see cref="Fit"/> loads the encoder.</summary>
public sealed class ContextualTokenEmbeddingEstimator : IEstimator<ContextualTokenEmbeddingTransformer>
{
    private readonly string _output, _input, _tokens, _starts, _lengths;
    private readonly ContextualTokenEmbeddingOptions _options;

    internal ContextualTokenEmbeddingEstimator(string outputColumnName, string inputColumnName, ContextualTokenEmbeddingOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        _output = outputColumnName;
        _input = inputColumnName ?? outputColumnName;
        _options = options ?? new ContextualTokenEmbeddingOptions();
        _options.Validate();
        EncoderHandle.Require(_options.Encoder, EncoderCapabilities.TokenVectors, "ApplyContextualTokenEmbedding (one vector per token)");
        _tokens = _options.TokensColumnName ?? _output + "Tokens";
        _starts = _options.StartsColumnName ?? _output + "Starts";
        _lengths = _options.LengthsColumnName ?? _output + "Lengths";
        var names = new[] { _output, _tokens, _starts, _lengths };
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Length)
            throw new ArgumentException(
                $"The output column names must differ (a later column would hide an earlier one): output '{_output}', tokens '{_tokens}', starts '{_starts}', lengths '{_lengths}'.", nameof(options));
    }

    /// <inheritdoc />
    public ContextualTokenEmbeddingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        SchemaChecks.RequireText(input.Schema, _input);
        return new ContextualTokenEmbeddingTransformer(_output, _input, EncoderHandle.Create(_options, nameof(ContextualTokenEmbeddingTransformer)),
            _options.Normalize, _options.IncludeSpecialTokens, _tokens, _starts, _lengths);
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        SchemaChecks.RequireText(inputSchema, _input);
        return SchemaShapes.With(inputSchema,
            SchemaShapes.Vector(_output, NumberDataViewType.Single, knownSize: false),
            SchemaShapes.Vector(_tokens, TextDataViewType.Instance, knownSize: false),
            SchemaShapes.Vector(_starts, NumberDataViewType.Int32, knownSize: false),
            SchemaShapes.Vector(_lengths, NumberDataViewType.Int32, knownSize: false));
    }
}

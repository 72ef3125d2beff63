using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>Estimator for <see cref="TokenizeForTransformerTransformer"/>; nothing to learn.</summary>
public sealed class TokenizeForTransformerEstimator : IEstimator<TokenizeForTransformerTransformer>
{
    private readonly string _first, _second;
    private readonly TokenizeForTransformerOptions _options;

    internal TokenizeForTransformerEstimator(string first, string second, TokenizeForTransformerOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(first);
        _first = first;
        _second = second;
        _options = options ?? new TokenizeForTransformerOptions();
        if (_options.Encoder == null)
            throw new ArgumentNullException(nameof(options), "Encoder must be set (default: ContextualEncoder.MiniLM).");
        int min = second == null ? 2 : 3;
        if (_options.MaxTokens < min || _options.MaxTokens > _options.Encoder.MaxPositions)
            throw new ArgumentOutOfRangeException(nameof(options),
                $"MaxTokens is {_options.MaxTokens}; it must be between {min} and the model's {_options.Encoder.MaxPositions}.");
    }

    /// <inheritdoc />
    public TokenizeForTransformerTransformer Fit(IDataView input)
    {
        SchemaChecks.RequireText(input.Schema, _first);
        if (_second != null)
            SchemaChecks.RequireText(input.Schema, _second);
        return new TokenizeForTransformerTransformer(_first, _second, _options, _options.Encoder.Vocabulary.ReadAll(), _options.Encoder.LowerCase);
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        SchemaChecks.RequireText(inputSchema, _first);
        if (_second != null)
            SchemaChecks.RequireText(inputSchema, _second);
        return SchemaShapes.With(inputSchema,
            SchemaShapes.Vector(_options.InputIdsColumnName, NumberDataViewType.Int64, knownSize: true),
            SchemaShapes.Vector(_options.AttentionMaskColumnName, NumberDataViewType.Int64, knownSize: true),
            SchemaShapes.Vector(_options.TokenTypeIdsColumnName, NumberDataViewType.Int64, knownSize: true));
    }
}

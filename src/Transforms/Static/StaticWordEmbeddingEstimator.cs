using Microsoft.ML;

namespace MLNetContextual;

/// <summary>
/// Estimator for <see cref="StaticWordEmbeddingTransformer"/> over vectors already in memory (loaded with
/// <see cref="StaticEmbeddings.Load(string, StaticEmbeddingsFormat)"/>): nothing to learn; <see cref="Fit"/> checks the token column.
/// </summary>
public sealed class StaticWordEmbeddingEstimator : IEstimator<StaticWordEmbeddingTransformer>
{
    private readonly string _output, _input;
    private readonly StaticEmbeddings _embeddings;
    private readonly StaticEmbeddingPooling _pooling;

    internal StaticWordEmbeddingEstimator(string outputColumnName, string inputColumnName, StaticEmbeddings embeddings, StaticWordEmbeddingOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        ArgumentNullException.ThrowIfNull(embeddings);
        _output = outputColumnName;
        _input = inputColumnName ?? outputColumnName;
        _embeddings = embeddings;
        _pooling = (options ?? new StaticWordEmbeddingOptions()).Pooling;
        StaticWordEmbeddingOptions.CheckPooling(_pooling, nameof(options));
    }

    /// <inheritdoc />
    public StaticWordEmbeddingTransformer Fit(IDataView input)
    {
        StaticWordEmbeddingTransformer.RequireTokens(input.Schema, _input);
        return new StaticWordEmbeddingTransformer(_output, _input, _embeddings, _pooling);
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        StaticWordEmbeddingTransformer.OutputShape(inputSchema, _output, _input, _pooling);
}

using Microsoft.ML;

namespace MLNetContextual;

/// <summary>
/// Learns word2vec vectors (skip-gram or CBOW with negative sampling, as word2vec.c) from a token column during
/// <see cref="Fit"/>, streaming the data through one cursor for the vocabulary and one per epoch. The fitted
/// <see cref="StaticWordEmbeddingTransformer"/> maps tokens to the learned vectors (pooled as
/// <see cref="Word2VecOptions.Pooling"/> says) and keeps them inside the saved model; its
/// <see cref="StaticWordEmbeddingTransformer.Embeddings"/> answers similarity queries and exports word2vec files.
/// </summary>
public sealed class Word2VecEstimator : IEstimator<StaticWordEmbeddingTransformer>
{
    private readonly string _output, _input;
    private readonly Word2VecOptions _options;

    internal Word2VecEstimator(string outputColumnName, string inputColumnName, Word2VecOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        _output = outputColumnName;
        _input = inputColumnName ?? outputColumnName;
        _options = options ?? new Word2VecOptions();
        _options.Validate();
    }

    /// <summary>Trains on the token column of <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing or is not <c>Vector&lt;String&gt;</c>.</exception>
    /// <exception cref="InvalidOperationException">No word occurs <see cref="Word2VecOptions.MinCount"/> times, or the vocabulary × Dimension is too large for one array.</exception>
    public StaticWordEmbeddingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        StaticWordEmbeddingTransformer.RequireTokens(input.Schema, _input);
        var vocab = Vocabulary.Count(input, _input, _options.MinCount);
        Word2VecOptions.CheckTableSize(vocab.Size, _options.Dimension);
        var vectors = new Word2VecTrainer(vocab, _options).Train(input, _input);
        var embeddings = new StaticEmbeddings(vocab.Words, vectors, _options.Dimension, StaticEmbeddingsFormat.Auto);
        return new StaticWordEmbeddingTransformer(_output, _input, embeddings, _options.Pooling);
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        StaticWordEmbeddingTransformer.OutputShape(inputSchema, _output, _input, _options.Pooling);
}

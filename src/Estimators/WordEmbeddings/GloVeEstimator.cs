using Microsoft.ML;

namespace MLNetContextual;

/// <summary>
/// Learns GloVe vectors (as the reference glove: 1/distance-weighted co-occurrence counts, weighting function f,
/// AdaGrad, word + context vectors) from a token column during <see cref="Fit"/>: one cursor for the vocabulary, one
/// for the counts (within <see cref="GloVeOptions.MaxCooccurrenceMemoryMB"/>, spilling to temporary files beyond it),
/// then epochs over the shuffled co-occurrence records, held in memory (12 bytes per distinct pair) when they fit in
/// that limit and streamed from a temporary file otherwise.
/// The fitted <see cref="StaticWordEmbeddingTransformer"/> maps tokens to the learned vectors and keeps them inside the
/// saved model.
/// </summary>
public sealed class GloVeEstimator : IEstimator<StaticWordEmbeddingTransformer>
{
    private readonly string _output, _input;
    private readonly GloVeOptions _options;

    internal GloVeEstimator(string outputColumnName, string inputColumnName, GloVeOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        _output = outputColumnName;
        _input = inputColumnName ?? outputColumnName;
        _options = options ?? new GloVeOptions();
        _options.Validate();
    }

    /// <summary>Trains on the token column of <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing or is not <c>Vector&lt;String&gt;</c>.</exception>
    /// <exception cref="InvalidOperationException">No word occurs <see cref="GloVeOptions.MinCount"/> times, no two words co-occur, or the vocabulary × Dimension is too large for one array.</exception>
    public StaticWordEmbeddingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        StaticWordEmbeddingTransformer.RequireTokens(input.Schema, _input);
        var vocab = Vocabulary.Count(input, _input, _options.MinCount, _options.MaxVocabularySize);
        Word2VecOptions.CheckTableSize(vocab.Size, _options.Dimension + 1, arrays: 2);   // word and context vectors with biases
        long limit = _options.CooccurrenceMemoryBytes;
        float[] vectors;
        using (var records = CooccurrenceRecords.Shuffled(
                   CooccurrenceCounts.Count(input, _input, vocab, _options.Window, _options.Symmetric, limit, _options.TemporaryDirectory),
                   limit, _options.Seed, _options.TemporaryDirectory))
        {
            if (records.Count == 0)
                throw new InvalidOperationException(
                    $"No two vocabulary words of column '{_input}' occur within {_options.Window} tokens of each other in a row; GloVe has nothing to fit. Give more text or lower MinCount.");
            vectors = new GloVeTrainer(vocab.Size, _options).Train(records);
        }
        var embeddings = new StaticEmbeddings(vocab.Words, vectors, _options.Dimension, StaticEmbeddingsFormat.Auto);
        return new StaticWordEmbeddingTransformer(_output, _input, embeddings, _options.Pooling);
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        StaticWordEmbeddingTransformer.OutputShape(inputSchema, _output, _input, _options.Pooling);
}

using Microsoft.ML;

namespace MLNetContextual;

/// <summary>Learners of static word vectors on ML.NET's text catalog.</summary>
public static class WordEmbeddingsCatalog
{
    /// <summary>
    /// Learns word2vec vectors from a token column (<c>Vector&lt;String&gt;</c>, e.g. from <c>TokenizeIntoWords</c>) during
    /// <c>Fit</c>, then maps each row's tokens to the mean of their vectors (<c>Vector&lt;Single, Dimension&gt;</c>; unknown
    /// tokens skipped, zero vector when none is known). The vectors are saved inside the model zip.
    /// </summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="outputColumnName">The vector column to create, e.g. "Features".</param>
    /// <param name="inputColumnName">The token column; null: same as <paramref name="outputColumnName"/>.</param>
    /// <param name="options">Model, dimension, window, negatives, min count, subsampling, epochs, threads, pooling; null: defaults.</param>
    public static Word2VecEstimator LearnWord2Vec(this TransformsCatalog.TextTransforms catalog,
        string outputColumnName, string inputColumnName = null, Word2VecOptions options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new Word2VecEstimator(outputColumnName, inputColumnName, options);
    }

    /// <summary>
    /// Learns GloVe vectors from a token column (<c>Vector&lt;String&gt;</c>) during <c>Fit</c>, then maps each row's tokens
    /// to the mean of their vectors (<c>Vector&lt;Single, Dimension&gt;</c>; unknown tokens skipped, zero vector when none
    /// is known). The vectors are saved inside the model zip.
    /// </summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="outputColumnName">The vector column to create, e.g. "Features".</param>
    /// <param name="inputColumnName">The token column; null: same as <paramref name="outputColumnName"/>.</param>
    /// <param name="options">Dimension, window, x_max, alpha, epochs, learning rate, min count, memory limit of the co-occurrence counts (spilled to temporary files beyond it), threads, pooling; null: defaults.</param>
    public static GloVeEstimator LearnGloVe(this TransformsCatalog.TextTransforms catalog,
        string outputColumnName, string inputColumnName = null, GloVeOptions options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new GloVeEstimator(outputColumnName, inputColumnName, options);
    }
}

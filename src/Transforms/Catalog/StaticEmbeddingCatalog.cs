using Microsoft.ML;

namespace MLNetContextual;

/// <summary>Entry points for static word vectors (word2vec, GloVe, fastText) on ML.NET's text catalog.</summary>
public static class StaticEmbeddingCatalog
{
    /// <summary>
    /// Maps a token column (<c>Vector&lt;String&gt;</c>, e.g. from <c>TokenizeIntoWords</c>) to the mean of its tokens'
    /// static vectors (<c>Vector&lt;Single, D&gt;</c>). Unknown tokens are skipped; a row with no known token gets the
    /// zero vector. The vectors are saved inside the model zip.
    /// </summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="outputColumnName">The vector column to create, e.g. "Features".</param>
    /// <param name="inputColumnName">The token column; null: same as <paramref name="outputColumnName"/>.</param>
    /// <param name="embeddings">The vectors, e.g. <c>StaticEmbeddings.Load("glove.6B.50d.txt")</c>.</param>
    public static StaticWordEmbeddingEstimator ApplyStaticWordEmbedding(this TransformsCatalog.TextTransforms catalog,
        string outputColumnName, string inputColumnName, StaticEmbeddings embeddings)
        => ApplyStaticWordEmbedding(catalog, outputColumnName, inputColumnName, embeddings, options: null);

    /// <summary>
    /// Maps a token column (<c>Vector&lt;String&gt;</c>) to static vectors pooled as <see cref="StaticWordEmbeddingOptions.Pooling"/>
    /// says: the mean (<c>Vector&lt;Single, D&gt;</c>), min/mean/max concatenated as ML.NET's <c>ApplyWordEmbedding</c>
    /// (<c>Vector&lt;Single, 3·D&gt;</c>), or none (per-token vectors, <c>Vector&lt;Single&gt;</c> of tokens × D, zeros for
    /// unknown tokens). Unknown tokens are skipped in pooling; a row with no known token gets the zero vector. The vectors
    /// are saved inside the model zip.
    /// </summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="outputColumnName">The vector column to create.</param>
    /// <param name="inputColumnName">The token column; null: same as <paramref name="outputColumnName"/>.</param>
    /// <param name="embeddings">The vectors.</param>
    /// <param name="options">Pooling; null: mean.</param>
    public static StaticWordEmbeddingEstimator ApplyStaticWordEmbedding(this TransformsCatalog.TextTransforms catalog,
        string outputColumnName, string inputColumnName, StaticEmbeddings embeddings, StaticWordEmbeddingOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new StaticWordEmbeddingEstimator(outputColumnName, inputColumnName, embeddings, options);
    }
}

using Microsoft.ML;

namespace MLNetContextual;

/// <summary>Entry points of MLNetContextual on ML.NET's catalogs.</summary>
public static class ContextualCatalog
{
    /// <summary>
    /// Maps text to one contextual vector per row (known-size vector of Single), by default mean-pooled
    /// all-MiniLM-L6-v2 embedded in the package.
    /// </summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="outputColumnName">The vector column to create, e.g. "Features".</param>
    /// <param name="inputColumnName">The text column; null: same as <paramref name="outputColumnName"/>.</param>
    /// <param name="options">Encoder, pooling, normalisation, truncation and batching; null: defaults.</param>
    public static ContextualEmbeddingEstimator ApplyContextualEmbedding(this TransformsCatalog.TextTransforms catalog,
        string outputColumnName, string inputColumnName = null, ContextualEmbeddingOptions options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ContextualEmbeddingEstimator(outputColumnName, inputColumnName, options);
    }
}

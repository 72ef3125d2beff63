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

    /// <summary>
    /// The contextual vector of the word at the character span [Start, Start + Length) of the text: the average of its
    /// word-piece vectors (known-size vector of Single). "bank" gets different vectors in a river and a money sentence.
    /// </summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="outputColumnName">The vector column to create.</param>
    /// <param name="textColumnName">The text column.</param>
    /// <param name="startColumnName">Integer column: index of the word's first character.</param>
    /// <param name="lengthColumnName">Integer column: the word's length in characters.</param>
    /// <param name="options">Encoder, normalisation, truncation and batching; null: defaults.</param>
    public static ContextualWordEmbeddingEstimator ApplyContextualWordEmbedding(this TransformsCatalog.TextTransforms catalog,
        string outputColumnName, string textColumnName, string startColumnName = "Start", string lengthColumnName = "Length",
        ContextualWordEmbeddingOptions options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ContextualWordEmbeddingEstimator(outputColumnName, textColumnName, startColumnName, lengthColumnName, options);
    }

    /// <summary>
    /// One contextual vector per token: the token vectors of each row flattened (variable-length vector of Single,
    /// tokens × dimension) with the tokens' strings and character spans as three more columns
    /// (<c>{output}Tokens</c>, <c>{output}Starts</c>, <c>{output}Lengths</c>). Works with any token encoder.
    /// </summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="outputColumnName">The vector column to create.</param>
    /// <param name="inputColumnName">The text column; null: same as <paramref name="outputColumnName"/>.</param>
    /// <param name="options">Encoder, layers, special tokens, column names; null: defaults.</param>
    public static ContextualTokenEmbeddingEstimator ApplyContextualTokenEmbedding(this TransformsCatalog.TextTransforms catalog,
        string outputColumnName, string inputColumnName = null, ContextualTokenEmbeddingOptions options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ContextualTokenEmbeddingEstimator(outputColumnName, inputColumnName, options);
    }

    /// <summary>
    /// The encoder's WordPiece tokenizer on its own: <c>input_ids</c>, <c>attention_mask</c> and <c>token_type_ids</c>
    /// as fixed-length Int64 vectors, to feed any BERT-family ONNX model through ML.NET's <c>ApplyOnnxModel</c>.
    /// </summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="inputColumnName">The text column.</param>
    /// <param name="secondInputColumnName">For sentence pairs: the second text column (token type 1); null for single texts.</param>
    /// <param name="options">Vocabulary (from the encoder), length and column names; null: defaults.</param>
    public static TokenizeForTransformerEstimator TokenizeForTransformer(this TransformsCatalog.TextTransforms catalog,
        string inputColumnName, string secondInputColumnName = null, TokenizeForTransformerOptions options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new TokenizeForTransformerEstimator(inputColumnName, secondInputColumnName, options);
    }
}

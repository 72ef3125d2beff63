namespace MLNetContextual;

/// <summary>Options of <see cref="ContextualCatalog.ApplyContextualEmbedding(Microsoft.ML.TransformsCatalog.TextTransforms, string, string, ContextualEmbeddingOptions)"/>.</summary>
public sealed class ContextualEmbeddingOptions : EncoderOptions
{
    /// <summary>How token vectors become one vector per text; default <see cref="ContextualPooling.Mean"/>.</summary>
    public ContextualPooling Pooling { get; set; } = ContextualPooling.Mean;

    /// <summary>Scale each output vector (each token vector with <see cref="ContextualPooling.None"/>) to unit L2 length.</summary>
    public bool Normalize { get; set; }

    /// <summary>With <see cref="ContextualPooling.None"/>: the column of word-piece tokens; null: output name + "Tokens".</summary>
    public string TokensColumnName { get; set; }
}

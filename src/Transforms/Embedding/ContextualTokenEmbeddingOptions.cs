namespace MLNetContextual;

/// <summary>Options of <see cref="ContextualCatalog.ApplyContextualTokenEmbedding(Microsoft.ML.TransformsCatalog.TextTransforms, string, string, ContextualTokenEmbeddingOptions)"/>.</summary>
public sealed class ContextualTokenEmbeddingOptions : EncoderOptions
{
    /// <summary>Scale each token vector to unit L2 length.</summary>
    public bool Normalize { get; set; }

    /// <summary>Keep the tokens the encoder adds (BERT's [CLS] and [SEP]; their span is (0, 0)). Off by default: one
    /// vector per token of the text.</summary>
    public bool IncludeSpecialTokens { get; set; }

    /// <summary>The column of token strings (Vector&lt;String&gt;); null: output name + "Tokens".</summary>
    public string TokensColumnName { get; set; }

    /// <summary>The column of each token's first character in the text (Vector&lt;Int32&gt;); null: output name + "Starts".</summary>
    public string StartsColumnName { get; set; }

    /// <summary>The column of each token's length in characters (Vector&lt;Int32&gt;); null: output name + "Lengths".</summary>
    public string LengthsColumnName { get; set; }
}

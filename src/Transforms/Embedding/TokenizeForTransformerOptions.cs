namespace MLNetContextual;

/// <summary>Options of <see cref="ContextualCatalog.TokenizeForTransformer(Microsoft.ML.TransformsCatalog.TextTransforms, string, string, TokenizeForTransformerOptions)"/>.</summary>
public sealed class TokenizeForTransformerOptions
{
    /// <summary>The encoder whose vocabulary and casing are used; default: the embedded all-MiniLM-L6-v2.</summary>
    public BertOnnxEncoder Encoder { get; set; } = ContextualEncoder.MiniLM;

    /// <summary>Fixed length of the output vectors ([CLS] and [SEP] included); longer text is truncated, shorter is padded.</summary>
    public int MaxTokens { get; set; } = 256;

    /// <summary>Name of the Int64 token id column.</summary>
    public string InputIdsColumnName { get; set; } = "input_ids";

    /// <summary>Name of the Int64 attention mask column (1 for tokens, 0 for padding).</summary>
    public string AttentionMaskColumnName { get; set; } = "attention_mask";

    /// <summary>Name of the Int64 token type column (0 for the first text, 1 for the second).</summary>
    public string TokenTypeIdsColumnName { get; set; } = "token_type_ids";
}

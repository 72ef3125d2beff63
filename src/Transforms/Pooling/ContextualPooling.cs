namespace MLNetContextual;

/// <summary>How token vectors become one vector per text.</summary>
public enum ContextualPooling
{
    /// <summary>Average of the token vectors under the attention mask (special tokens included), as sentence-transformers does.</summary>
    Mean,
    /// <summary>The vector of the first token (BERT's [CLS]).</summary>
    Cls,
    /// <summary>Element-wise maximum over the tokens under the attention mask.</summary>
    Max,
    /// <summary>Not a pooling: token vectors have their own transform, <c>ApplyContextualTokenEmbedding</c>. Kept so that
    /// zips of the first release that used it still load (as that transform).</summary>
    None,
    /// <summary>The encoder's own sentence vector (an encoder with <see cref="EncoderCapabilities.SentenceVectors"/>, such as a
    /// deep averaging network).</summary>
    Encoder,
}

/// <summary>What <c>ApplyContextualEmbedding</c> does with text longer than <see cref="EncoderOptions.MaxTokens"/>.</summary>
public enum LongTextHandling
{
    /// <summary>Keep the first tokens and drop the rest (as BERT-family models are usually run).</summary>
    Truncate,
    /// <summary>Encode the whole text as overlapping windows of <see cref="EncoderOptions.MaxTokens"/> and pool over all
    /// windows (Mean: weighted by each window's tokens; Max: over every window; Cls: the first window's).</summary>
    Windows,
}

namespace MLNetContextual;

/// <summary>Options of <see cref="ContextualCatalog.ApplyContextualEmbedding(Microsoft.ML.TransformsCatalog.TextTransforms, string, string, ContextualEmbeddingOptions)"/>.</summary>
public sealed class ContextualEmbeddingOptions : EncoderOptions
{
    /// <summary>How token vectors become one vector per text; null (default): the encoder's own sentence vector when it
    /// has one (<see cref="ContextualPooling.Encoder"/>), else <see cref="ContextualPooling.Mean"/>.</summary>
    public ContextualPooling? Pooling { get; set; }

    /// <summary>Scale each output vector to unit L2 length.</summary>
    public bool Normalize { get; set; }

    /// <summary>Text longer than <see cref="EncoderOptions.MaxTokens"/>: truncated (default) or encoded as overlapping windows.</summary>
    public LongTextHandling LongText { get; set; } = LongTextHandling.Truncate;

    /// <summary>With <see cref="LongTextHandling.Windows"/>: tokens each window shares with the previous one.</summary>
    public int WindowOverlap { get; set; } = 64;

    /// <summary>Megabytes of sentence vectors kept, keyed by their text, so that trainers making many passes (SDCA,
    /// L-BFGS) and repeated texts do not re-run the encoder; 0 turns the cache off. 32 MB hold about 18,000 MiniLM vectors
    /// of short texts. The first texts seen are kept and, once the budget is used, no more are admitted (nothing is
    /// evicted): a multi-pass trainer over more texts than fit re-encodes only the rest on each pass. For such data raise
    /// it, or put AppendCacheCheckpoint after the encoder.</summary>
    public int CacheSizeMB { get; set; } = 32;

    /// <summary>Not used any more: token vectors come from <c>ApplyContextualTokenEmbedding</c>.</summary>
    [Obsolete("Token vectors have their own transform: ApplyContextualTokenEmbedding (ContextualTokenEmbeddingOptions.TokensColumnName).")]
    public string TokensColumnName { get; set; }

    /// <summary>The pooling this encoder gets.</summary>
    internal ContextualPooling ResolvePooling(ContextualEncoder encoder)
    {
        var pooling = Pooling ?? (encoder.Has(EncoderCapabilities.SentenceVectors) ? ContextualPooling.Encoder : ContextualPooling.Mean);
        if (pooling == ContextualPooling.None)
            throw new ArgumentOutOfRangeException(nameof(Pooling),
                "Pooling None is no pooling: for one vector per token use ml.Transforms.Text.ApplyContextualTokenEmbedding. Valid pooling modes are: Mean, Cls, Max, Encoder.");
        if (!Enum.IsDefined(pooling))
            throw new ArgumentOutOfRangeException(nameof(Pooling), $"Invalid pooling mode: {pooling}. Valid pooling modes are: Mean, Cls, Max, Encoder.");
        EncoderHandle.Require(encoder, pooling == ContextualPooling.Encoder ? EncoderCapabilities.SentenceVectors : EncoderCapabilities.TokenVectors,
            $"ApplyContextualEmbedding with Pooling {pooling}");
        if (CacheSizeMB is < 0 or > 1 << 20)
            throw new ArgumentOutOfRangeException(nameof(CacheSizeMB), $"CacheSizeMB is {CacheSizeMB}; it must be between 0 (off) and {1 << 20}.");
        if (!Enum.IsDefined(LongText))
            throw new ArgumentOutOfRangeException(nameof(LongText), $"Invalid LongText: {LongText}. Valid values are: Truncate, Windows.");
        if (LongText == LongTextHandling.Windows)
        {
            if (pooling == ContextualPooling.Encoder)
                throw new ArgumentOutOfRangeException(nameof(LongText), $"LongText Windows pools token vectors; encoder '{encoder.Name}' is used through its own sentence vector (Pooling Encoder).");
            if (WindowOverlap < 0 || WindowOverlap >= MaxTokens - 3)
                throw new ArgumentOutOfRangeException(nameof(WindowOverlap), $"WindowOverlap is {WindowOverlap}; it must be between 0 and MaxTokens − 4 ({MaxTokens - 4}).");
        }
        return pooling;
    }
}

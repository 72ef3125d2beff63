namespace MLNetContextual;

/// <summary>Options of <see cref="ContextualCatalog.ApplyContextualWordEmbedding(Microsoft.ML.TransformsCatalog.TextTransforms, string, string, string, string, ContextualWordEmbeddingOptions)"/>.</summary>
public sealed class ContextualWordEmbeddingOptions : EncoderOptions
{
    /// <summary>Scale each output vector to unit L2 length.</summary>
    public bool Normalize { get; set; }

    /// <summary>Check at <c>Fit</c> that every span lies inside its text (one pass over the three columns, no encoding).</summary>
    public bool ValidateSpansAtFit { get; set; } = true;
}

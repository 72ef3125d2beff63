namespace MLNetContextual;

/// <summary>Settings of <c>ApplyStaticWordEmbedding</c>.</summary>
public sealed class StaticWordEmbeddingOptions
{
    /// <summary>How token vectors become the output: mean (default), min/mean/max concatenated, or none (per-token vectors).</summary>
    public StaticEmbeddingPooling Pooling { get; set; } = StaticEmbeddingPooling.Mean;

    internal static void CheckPooling(StaticEmbeddingPooling pooling, string paramName)
    {
        if (!Enum.IsDefined(pooling))
            throw new ArgumentOutOfRangeException(paramName,
                $"Invalid pooling mode: {pooling}. Valid pooling modes are: {string.Join(", ", Enum.GetNames<StaticEmbeddingPooling>())}.");
    }
}

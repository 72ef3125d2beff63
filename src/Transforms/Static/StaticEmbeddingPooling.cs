namespace MLNetContextual;

/// <summary>How the vectors of a row's tokens become the output column.</summary>
public enum StaticEmbeddingPooling
{
    /// <summary>The average of the known tokens' vectors: <c>Vector&lt;Single, D&gt;</c>.</summary>
    Mean = 0,
    /// <summary>Element-wise minimum, average and maximum of the known tokens' vectors, concatenated in that order as ML.NET's <c>ApplyWordEmbedding</c> does: <c>Vector&lt;Single, 3·D&gt;</c>.</summary>
    MinMeanMax = 1,
    /// <summary>No pooling: every token's vector, concatenated in token order: <c>Vector&lt;Single&gt;</c> of tokens × D; unknown tokens get zero vectors so that block i stays token i.</summary>
    None = 2,
}

using System.Numerics.Tensors;

namespace MLNetContextual;

/// <summary>Pooling and normalisation of token vectors (rows of a [tokens × dimension] span).</summary>
internal static class TokenPooling
{
    /// <summary>Pools the first <paramref name="tokens"/> vectors of <paramref name="vectors"/> into <paramref name="result"/>.</summary>
    public static void Pool(ContextualPooling pooling, ReadOnlySpan<float> vectors, int tokens, Span<float> result)
    {
        int d = result.Length;
        switch (pooling)
        {
            case ContextualPooling.Cls:
                vectors[..d].CopyTo(result);
                break;
            case ContextualPooling.Mean:
                Mean(vectors, 0, tokens, result);
                break;
            case ContextualPooling.Max:
                vectors[..d].CopyTo(result);
                for (int t = 1; t < tokens; t++)
                    TensorPrimitives.Max(result, vectors.Slice(t * d, d), result);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(pooling), $"Pooling {pooling} does not give one vector; valid here: Mean, Cls, Max.");
        }
    }

    /// <summary>Average of token vectors [from, to) into <paramref name="result"/>.</summary>
    public static void Mean(ReadOnlySpan<float> vectors, int from, int to, Span<float> result)
    {
        int d = result.Length;
        result.Clear();
        for (int t = from; t < to; t++)
            TensorPrimitives.Add(result, vectors.Slice(t * d, d), result);
        TensorPrimitives.Multiply(result, 1f / Math.Max(1, to - from), result);
    }

    /// <summary>Scales <paramref name="v"/> to unit L2 length; a zero vector stays zero.</summary>
    public static void Normalize(Span<float> v)
    {
        float norm = TensorPrimitives.Norm(v);
        if (norm > 0)
            TensorPrimitives.Multiply(v, 1f / norm, v);
    }
}

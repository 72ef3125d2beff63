namespace MLNetContextual;

/// <summary>Similarities of sentence vectors: cosine, and the Universal Sentence Encoder's angular similarity.</summary>
public static class UseSimilarity
{
    /// <summary>Cosine similarity of <paramref name="u"/> and <paramref name="v"/>, in [−1, 1]; 0 when either is the zero vector.</summary>
    /// <exception cref="ArgumentException">The vectors differ in length.</exception>
    public static double Cosine(ReadOnlySpan<float> u, ReadOnlySpan<float> v)
    {
        if (u.Length != v.Length)
            throw new ArgumentException($"The vectors have {u.Length} and {v.Length} dimensions; they must match.", nameof(v));
        // In double: near-duplicates have cos ≈ 1, where float rounding would move arccos by 1e-4.
        double dot = 0, uu = 0, vv = 0;
        for (int i = 0; i < u.Length; i++)
        {
            dot += (double)u[i] * v[i];
            uu += (double)u[i] * u[i];
            vv += (double)v[i] * v[i];
        }
        if (uu == 0 || vv == 0)
            return 0;
        return Math.Clamp(dot / Math.Sqrt(uu * vv), -1.0, 1.0);
    }

    /// <summary>USE's angular similarity 1 − arccos(cos(u, v)) / π, in [0, 1] (Cer et al. 2018, §5.1): it separates
    /// near-duplicates better than cosine does.</summary>
    /// <exception cref="ArgumentException">The vectors differ in length.</exception>
    public static double Angular(ReadOnlySpan<float> u, ReadOnlySpan<float> v) => 1.0 - Math.Acos(Cosine(u, v)) / Math.PI;
}

namespace MLNetContextual;

/// <summary>
/// Which hidden states of a token encoder a transform uses, and how several are combined: ELMo's scalar mix
/// γ · Σ_j softmax(w)_j · h_j (Peters et al. 2018, eq. 1) with fixed weights. Layer 0 is the token representation
/// (BERT: the embeddings; ELMo: the character CNN, counted as [x; x]); −1 counts from the end (−1: the last layer).
/// </summary>
public sealed class LayerSelection
{
    private LayerSelection(int[] layers, bool all, float[] weights, float gamma)
    {
        Layers = layers;
        IsAll = all;
        Weights = weights;
        Gamma = gamma;
    }

    /// <summary>The last layer only (the default; what BERT-family sentence encoders are trained for).</summary>
    public static LayerSelection Last { get; } = new([-1], false, null, 1f);

    /// <summary>Every layer the encoder has, averaged (all mix weights equal) unless <paramref name="weights"/> are given.</summary>
    /// <param name="weights">Scalar-mix weights w before the softmax, one per layer; null: all 0 (a plain average).</param>
    /// <param name="gamma">The scale γ.</param>
    public static LayerSelection All(float[] weights = null, float gamma = 1f) => new(null, true, Check(weights, gamma), gamma);

    /// <summary>The listed layers (−1 counts from the end), mixed with <paramref name="weights"/> (null: a plain average).</summary>
    /// <param name="layers">Layer indices; at least one.</param>
    /// <param name="weights">Scalar-mix weights w before the softmax, one per listed layer; null: all 0.</param>
    /// <param name="gamma">The scale γ.</param>
    public static LayerSelection Of(int[] layers, float[] weights = null, float gamma = 1f)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Length == 0)
            throw new ArgumentException("At least one layer must be listed.", nameof(layers));
        if (weights != null && weights.Length != layers.Length)
            throw new ArgumentException($"{weights.Length} mix weights for {layers.Length} layers; give one weight per layer.", nameof(weights));
        return new((int[])layers.Clone(), false, Check(weights, gamma), gamma);
    }

    /// <summary>The listed layers; null with <see cref="IsAll"/>.</summary>
    public IReadOnlyList<int> Layers { get; }

    /// <summary>Whether every layer of the encoder is used.</summary>
    public bool IsAll { get; }

    /// <summary>Mix weights before the softmax; null: equal weights.</summary>
    public IReadOnlyList<float> Weights { get; }

    /// <summary>The mix's scale γ.</summary>
    public float Gamma { get; }

    private static float[] Check(float[] weights, float gamma)
    {
        if (!float.IsFinite(gamma))
            throw new ArgumentOutOfRangeException(nameof(gamma), $"gamma is {gamma}; it must be a finite number.");
        if (weights != null && weights.Any(w => !float.IsFinite(w)))
            throw new ArgumentOutOfRangeException(nameof(weights), "Every mix weight must be a finite number.");
        return weights == null ? null : (float[])weights.Clone();
    }

    /// <summary>The layer indices (0-based, resolved against <paramref name="layerCount"/>) and their mix coefficients
    /// γ · softmax(w); throws naming the encoder when an index is out of range.</summary>
    internal (int[] Layers, float[] Coefficients) Resolve(int layerCount, string encoderName)
    {
        int[] layers = IsAll ? Enumerable.Range(0, layerCount).ToArray() : Layers.ToArray();
        for (int i = 0; i < layers.Length; i++)
        {
            int l = layers[i] < 0 ? layerCount + layers[i] : layers[i];
            if (l < 0 || l >= layerCount)
                throw new ArgumentOutOfRangeException(nameof(EncoderOptions.Layers),
                    $"Layer {layers[i]} is out of range: encoder '{encoderName}' has {layerCount} layer(s) (valid: 0 to {layerCount - 1}, or −1 to −{layerCount}).");
            layers[i] = l;
        }
        if (Weights != null && Weights.Count != layers.Length)
            throw new ArgumentOutOfRangeException(nameof(EncoderOptions.Layers),
                $"{Weights.Count} mix weights for {layers.Length} layers of encoder '{encoderName}'; give one weight per layer.");
        var w = Weights?.ToArray() ?? new float[layers.Length];
        float max = w.Max();
        double sum = 0;
        var c = new float[w.Length];
        for (int i = 0; i < w.Length; i++)
            sum += c[i] = MathF.Exp(w[i] - max);
        for (int i = 0; i < c.Length; i++)
            c[i] = (float)(Gamma * c[i] / sum);
        return (layers, c);
    }

    internal LayerSelectionConfig ToConfig() => new(IsAll, Layers?.ToArray(), Weights?.ToArray(), Gamma);

    internal static LayerSelection FromConfig(LayerSelectionConfig c) => c == null ? Last
        : c.All ? All(c.Weights, c.Gamma) : Of(c.Layers, c.Weights, c.Gamma);

    /// <inheritdoc />
    public override string ToString() => (IsAll ? "all layers" : "layers " + string.Join(", ", Layers))
        + (Weights == null ? "" : $", mix [{string.Join(", ", Weights)}]") + (Gamma == 1f ? "" : $", γ {Gamma}");
}

/// <summary>The saved form of a <see cref="LayerSelection"/>.</summary>
internal sealed record LayerSelectionConfig(bool All, int[] Layers, float[] Weights, float Gamma);

namespace MLNetContextual.Cli.Sweep;

/// <summary>
/// The token-length distribution of the texts under an encoder's WordPiece tokenizer ([CLS] and [SEP] counted), and the
/// length limit the sweep chooses from it.
/// </summary>
public sealed record TokenLengths(int Texts, int P50, int P90, int P95, int P99, int Max, double OverModelLimit, int ModelLimit)
{
    /// <summary>Measures up to <paramref name="sample"/> texts (evenly spread).</summary>
    public static TokenLengths Measure(BertTextTokenizer tokenizer, IReadOnlyList<string> texts, int modelLimit, int sample = 2000)
    {
        int step = Math.Max(1, texts.Count / sample);
        var lengths = new List<int>();
        for (int i = 0; i < texts.Count; i += step)
            lengths.Add(tokenizer.Tokenize(texts[i] ?? "").Count + 2);
        lengths.Sort();
        int At(double q) => lengths[Math.Min(lengths.Count - 1, (int)Math.Floor(q * lengths.Count))];
        return new TokenLengths(lengths.Count, At(0.5), At(0.9), At(0.95), At(0.99), lengths[^1],
            lengths.Count(l => l > modelLimit) / (double)lengths.Count, modelLimit) { Sorted = lengths.ToArray() };
    }

    /// <summary>The measured lengths, sorted.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int[] Sorted { get; init; } = [];

    /// <summary>
    /// Mean tokens the encoder runs per text: truncated at <paramref name="maxTokens"/>, or as windows of that size
    /// sharing <paramref name="overlap"/> tokens (with its two special tokens per window).
    /// </summary>
    public double TokensPerText(bool windows, int maxTokens, int overlap)
    {
        if (Sorted.Length == 0)
            return maxTokens;
        return Sorted.Average(l =>
        {
            if (!windows || l <= maxTokens)
                return (double)Math.Min(l, maxTokens);
            int body = maxTokens - 2, stride = body - overlap, pieces = l - 2;
            int count = 1 + (int)Math.Ceiling(Math.Max(0, pieces - body) / (double)stride);
            return count * (double)maxTokens;
        });
    }

    /// <summary>The share of measured texts longer than <paramref name="maxTokens"/>.</summary>
    public double FractionOver(int maxTokens) => Sorted.Length == 0 ? 0 : Sorted.Count(l => l > maxTokens) / (double)Sorted.Length;

    /// <summary>
    /// The MaxTokens to encode with: the 95th percentile rounded up to a multiple of 32, at least 64, at most the
    /// model's limit.
    /// </summary>
    public int Choose() => Math.Clamp((P95 + 31) / 32 * 32, 64, ModelLimit);

    /// <summary>Whether the texts are long for the model: over 10 % exceed its limit (windows would pay off).</summary>
    public bool IsLong => OverModelLimit > 0.10;

    /// <summary>What the sweep does with long texts, in words.</summary>
    public string Advice(int chosen) => IsLong
        ? $"{OverModelLimit:P0} of texts exceed the model's {ModelLimit} tokens (median {P50}, 95th percentile {P95}, longest {Max}): " +
          $"overlapping windows pooled over the whole text are tried first (where encoding them fits the budget), and " +
          $"FeaturizeText, which reads the whole text, stays in the sweep."
        : $"Token lengths: median {P50}, 95th percentile {P95}, longest {Max}; encoding with MaxTokens {chosen} " +
          $"({FractionOver(chosen):P1} of texts cut).";
}

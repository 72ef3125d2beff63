namespace MLNetContextual;

/// <summary>
/// One vector per text from any encoder: the encoder's own sentence vector, or its token vectors (the chosen layers
/// mixed) pooled; long texts truncated or encoded as overlapping windows. Shared by
/// <see cref="ContextualEmbeddingTransformer"/> and <see cref="ContextualEmbeddingGenerator"/>.
/// </summary>
internal sealed class SentenceEmbedder : IDisposable
{
    private readonly EmbeddingCache _cache;

    public SentenceEmbedder(EncoderHandle encoder, ContextualPooling pooling, bool normalize, LongTextHandling longText, int windowOverlap,
        int cacheMegabytes = 0)
    {
        Encoder = encoder;
        Pooling = pooling;
        Normalize = normalize;
        LongText = longText;
        WindowOverlap = windowOverlap;
        CacheMegabytes = cacheMegabytes;
        _cache = cacheMegabytes > 0 ? new EmbeddingCache(cacheMegabytes) : null;
    }

    public int CacheMegabytes { get; }
    internal EmbeddingCache Cache => _cache;

    public EncoderHandle Encoder { get; }
    public ContextualPooling Pooling { get; }
    public bool Normalize { get; }
    public LongTextHandling LongText { get; }
    public int WindowOverlap { get; }
    public int Dimension => Encoder.Dimension;

    /// <summary>Sets <c>results[i]</c> to the vector of <c>texts[i]</c> (shared with the cache: read, never write).</summary>
    public void Embed(ReadOnlySpan<string> texts, Span<float[]> results)
    {
        using var use = Encoder.Enter();   // before the cache too: a disposed transformer answers nothing, cached or not
        if (_cache == null)
        {
            Compute(texts, results);
            return;
        }
        // Only the texts not in the cache are encoded, each distinct text once.
        var missing = new List<string>();
        var slots = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < texts.Length; i++)
        {
            string text = texts[i] ?? string.Empty;
            if (_cache.TryGet(text, out var cached))
                results[i] = cached;
            else if (slots.TryAdd(text, missing.Count))
                missing.Add(text);
        }
        if (missing.Count == 0)
            return;
        var computed = new float[missing.Count][];
        Compute(missing.ToArray(), computed);
        for (int k = 0; k < missing.Count; k++)
            _cache.Add(missing[k], computed[k]);
        for (int i = 0; i < texts.Length; i++)
            if (slots.TryGetValue(texts[i] ?? string.Empty, out int k))
                results[i] = computed[k];
    }

    private void Compute(ReadOnlySpan<string> texts, Span<float[]> results)
    {
        if (Pooling == ContextualPooling.Encoder)
            Encoder.Sentences.EmbedSentences(texts, results);
        else
            Pool(texts, results);
        if (Normalize)
            foreach (var v in results)
                TokenPooling.Normalize(v);
    }

    private void Pool(ReadOnlySpan<string> texts, Span<float[]> results)
    {
        var tok = Encoder.Tokens;
        var inputs = new List<EncodedText>(texts.Length);
        var owner = new List<int>(texts.Length);    // text index of each input (several for a windowed text)
        for (int i = 0; i < texts.Length; i++)
        {
            if (LongText == LongTextHandling.Windows)
                foreach (var window in Windows(tok, texts[i]))
                {
                    inputs.Add(window);
                    owner.Add(i);
                }
            else
            {
                inputs.Add(tok.Encode(texts[i]));
                owner.Add(i);
            }
        }
        // The encoder runs inputs in its own order (by length): the first window of a text is the one listed first.
        var first = new int[texts.Length];
        for (int k = owner.Count - 1; k >= 0; k--)
            first[owner[k]] = k;
        int d = Encoder.Dimension;
        var output = new float[texts.Length][];
        var weight = new float[texts.Length];
        float[] buffer = null, pooled = new float[d];
        tok.Run(inputs, Encoder.Layers, (k, states) =>
        {
            int i = owner[k], n = states.TokenCount;
            var mixed = LayerMixer.Mix(states, Encoder.Coefficients, ref buffer);
            if (output[i] == null)
            {
                output[i] = new float[d];
                TokenPooling.Pool(Pooling, mixed, n, output[i]);
                weight[i] = n;
                return;
            }
            // A further window of the same text.
            switch (Pooling)
            {
                case ContextualPooling.Mean:
                    TokenPooling.Pool(Pooling, mixed, n, pooled);
                    float w0 = weight[i], w1 = n;
                    for (int j = 0; j < d; j++)
                        output[i][j] = (output[i][j] * w0 + pooled[j] * w1) / (w0 + w1);
                    weight[i] = w0 + w1;
                    break;
                case ContextualPooling.Max:
                    TokenPooling.Pool(Pooling, mixed, n, pooled);
                    System.Numerics.Tensors.TensorPrimitives.Max(output[i], pooled, output[i]);
                    break;
                case ContextualPooling.Cls:
                    if (k == first[i])
                        TokenPooling.Pool(Pooling, mixed, n, output[i]);
                    break;
            }
        });
        output.CopyTo(results);
    }

    /// <summary>The text as overlapping windows of at most MaxTokens tokens (one window when it fits).</summary>
    private IEnumerable<EncodedText> Windows(ITokenEncoder tok, string text)
    {
        var tokens = tok.Split(text);
        int room = tok.MaxTokens - tok.SpecialTokenCount;
        if (tokens.Count <= room)
        {
            yield return tok.Assemble(tokens, 0, tokens.Count);
            yield break;
        }
        int stride = room - WindowOverlap;
        for (int start = 0; ; start += stride)
        {
            int count = Math.Min(room, tokens.Count - start);
            yield return tok.Assemble(tokens, start, count);
            if (start + count >= tokens.Count)
                break;
        }
    }

    public void Dispose() => Encoder.Dispose();
}

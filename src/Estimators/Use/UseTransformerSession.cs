namespace MLNetContextual;

/// <summary>A <see cref="UseTransformerEncoder"/> loaded: its token states through TorchSharp (<see cref="TorchTokenSession"/>),
/// and its sentence vector, the last layer's token states summed and divided by √length (the start token included).</summary>
internal sealed class UseTransformerSession : ITokenEncoder, ISentenceEncoder
{
    private readonly TorchTokenSession _tokens;

    public UseTransformerSession(UseTransformerEncoder encoder, TorchTokenSession tokens)
    {
        Encoder = encoder;
        _tokens = tokens;
    }

    public ContextualEncoder Encoder { get; }
    public int Dimension => _tokens.Dimension;
    public int LayerCount => _tokens.LayerCount;
    public int MaxTokens => _tokens.MaxTokens;
    public int SpecialTokenCount => _tokens.SpecialTokenCount;

    public EncodedText Encode(string text, string secondText = null) => _tokens.Encode(text, secondText);
    public IReadOnlyList<EncoderToken> Split(string text) => _tokens.Split(text);
    public EncodedText Assemble(IReadOnlyList<EncoderToken> tokens, int start, int count) => _tokens.Assemble(tokens, start, count);
    public void Run(IReadOnlyList<EncodedText> texts, IReadOnlyList<int> layers, Action<int, TokenStates> use) => _tokens.Run(texts, layers, use);

    public void EmbedSentences(ReadOnlySpan<string> texts, Span<float[]> vectors)
    {
        var inputs = new EncodedText[texts.Length];
        for (int i = 0; i < texts.Length; i++)
            inputs[i] = _tokens.Encode(texts[i]);
        var output = new float[texts.Length][];
        int d = Dimension;
        _tokens.Run(inputs, [LayerCount - 1], (k, states) => output[k] = SumOverRootLength(states.Layer(0), states.TokenCount, d));
        output.CopyTo(vectors);
    }

    /// <summary>Σ_t h_t / √n over <paramref name="n"/> token vectors.</summary>
    internal static float[] SumOverRootLength(ReadOnlySpan<float> states, int n, int d)
    {
        var v = new float[d];
        for (int t = 0; t < n; t++)
            System.Numerics.Tensors.TensorPrimitives.Add(v, states.Slice(t * d, d), v);
        if (n > 0)
            System.Numerics.Tensors.TensorPrimitives.Multiply(v, (float)(1 / Math.Sqrt(n)), v);
        return v;
    }

    public void Dispose() => _tokens.Dispose();
}

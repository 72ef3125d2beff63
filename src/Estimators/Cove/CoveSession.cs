namespace MLNetContextual;

/// <summary>
/// Runs a <see cref="CoveEncoder"/> for the transforms in plain managed code (<see cref="CoveForward"/>), so applying
/// CoVe needs no libtorch. Each text is run alone from zero states (its vectors never depend on the batch); texts of a
/// batch are spread over <see cref="EncoderOptions.IntraOpThreads"/> threads (null: one per processor).
/// </summary>
internal sealed class CoveSession : ITokenEncoder
{
    private readonly CoveEncoder _encoder;
    private readonly CoveTokenizer _tokenizer;
    private readonly CoveForward _forward;
    private readonly int _threads;

    public CoveSession(CoveEncoder encoder, EncoderOptions options)
    {
        _encoder = encoder;
        _tokenizer = encoder.Tokenizer;
        _forward = encoder.Forward;
        MaxTokens = options.MaxTokens;
        _threads = options.IntraOpThreads ?? Environment.ProcessorCount;
    }

    public ContextualEncoder Encoder => _encoder;
    public int Dimension => _encoder.Dimension;
    public int LayerCount => _encoder.LayerCount;
    public int MaxTokens { get; }
    public int SpecialTokenCount => 0;

    public EncodedText Encode(string text, string secondText = null) => _tokenizer.Encode(text, secondText, MaxTokens);
    public IReadOnlyList<EncoderToken> Split(string text) => _tokenizer.Split(text);
    public EncodedText Assemble(IReadOnlyList<EncoderToken> tokens, int start, int count)
    {
        if (count > MaxTokens)
            throw new ArgumentOutOfRangeException(nameof(count), $"{count} tokens do not fit: at most {MaxTokens}.");
        return _tokenizer.Assemble(tokens, start, count);
    }

    public void Run(IReadOnlyList<EncodedText> texts, IReadOnlyList<int> layers, Action<int, TokenStates> use)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(layers);
        foreach (int l in layers)
            if ((uint)l >= (uint)LayerCount)
                throw new ArgumentOutOfRangeException(nameof(layers), $"Layer {l} is out of range: encoder '{_encoder.Name}' has {LayerCount}.");
        if (texts.Count <= 1 || _threads == 1)
        {
            for (int i = 0; i < texts.Count; i++)
                use(i, States(texts[i], layers));
            return;
        }
        var states = new TokenStates[texts.Count];
        Parallel.For(0, texts.Count, new ParallelOptions { MaxDegreeOfParallelism = _threads }, i => states[i] = States(texts[i], layers));
        for (int i = 0; i < texts.Count; i++)
            use(i, states[i]);
    }

    /// <summary>The requested layers of one text: [GloVe; 0], [GloVe; h_1], …, [GloVe; h_L] (or h_1 … h_L without GloVe).</summary>
    private TokenStates States(EncodedText text, IReadOnlyList<int> layers)
    {
        int n = text.Length, d = _forward.InputSize, h2 = 2 * _forward.HiddenSize, dim = Dimension;
        var glove = _encoder.Glove;
        var x = new float[n * d];
        for (int t = 0; t < n; t++)
            if (text.Ids[t] >= 0)
                glove.Row(text.Ids[t]).CopyTo(x.AsSpan(t * d, d));
        var hidden = new float[_forward.Layers][];
        for (int l = 0; l < hidden.Length; l++)
            hidden[l] = new float[n * h2];
        _forward.Run(x, n, hidden);
        var data = new float[layers.Count * n * dim];
        for (int k = 0; k < layers.Count; k++)
        {
            int layer = layers[k];
            for (int t = 0; t < n; t++)
            {
                var row = data.AsSpan((k * n + t) * dim, dim);
                if (_encoder.IncludeGlove)
                {
                    x.AsSpan(t * d, d).CopyTo(row);
                    if (layer > 0)
                        hidden[layer - 1].AsSpan(t * h2, h2).CopyTo(row[d..]);
                }
                else
                    hidden[layer].AsSpan(t * h2, h2).CopyTo(row);
            }
        }
        return new TokenStates.Dense(data, layers.Count, n, dim);
    }

    public void Dispose() { }
}

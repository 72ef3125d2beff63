namespace MLNetContextual;

/// <summary>
/// A <see cref="Context2VecEncoder"/> applied by the transforms, in managed code (<see cref="Context2VecForward"/>; no
/// TorchSharp): one layer, each token's state its context vector — what the LSTMs saw left and right of it, through the
/// MLP, never the token itself. Texts are independent (each starts from zero LSTM states), so a row's vectors do not
/// depend on its batch. Large batches are split over <see cref="EncoderOptions.IntraOpThreads"/> threads.
/// </summary>
internal sealed class Context2VecSession : ITokenEncoder
{
    private readonly Context2VecEncoder _encoder;
    private readonly Context2VecTokenizer _tokenizer;
    private readonly Context2VecForward _forward;
    private readonly int _threads;

    public Context2VecSession(Context2VecEncoder encoder, EncoderOptions options)
    {
        _encoder = encoder;
        _tokenizer = encoder.Tokenizer;
        _forward = encoder.Forward;
        MaxTokens = options.MaxTokens;
        _threads = options.IntraOpThreads ?? Environment.ProcessorCount;
    }

    public ContextualEncoder Encoder => _encoder;
    public int Dimension => _forward.Dimension;
    public int LayerCount => 1;
    public int MaxTokens { get; }
    public int SpecialTokenCount => _tokenizer.SpecialTokenCount;

    public EncodedText Encode(string text, string secondText = null) => _tokenizer.Encode(text, secondText, MaxTokens);
    public IReadOnlyList<EncoderToken> Split(string text) => _tokenizer.Split(text);

    public EncodedText Assemble(IReadOnlyList<EncoderToken> tokens, int start, int count)
    {
        TokenFit.Check(count, MaxTokens, SpecialTokenCount, "<BOS> and <EOS>");
        return _tokenizer.Assemble(tokens, start, count);
    }

    public void Run(IReadOnlyList<EncodedText> texts, IReadOnlyList<int> layers, Action<int, TokenStates> use)
    {
        foreach (int l in layers)
            if (l != 0)
                throw new ArgumentOutOfRangeException(nameof(layers), $"Layer {l} is out of range: encoder '{_encoder.Name}' has 1 (the context vector).");
        var results = new float[texts.Count][];
        if (texts.Count <= 2 || _threads == 1)
            for (int i = 0; i < texts.Count; i++)
                results[i] = _forward.Contexts(texts[i].Ids.AsSpan(1, texts[i].Length - 2));
        else
            Parallel.For(0, texts.Count, new ParallelOptions { MaxDegreeOfParallelism = _threads },
                i => results[i] = _forward.Contexts(texts[i].Ids.AsSpan(1, texts[i].Length - 2)));
        for (int i = 0; i < texts.Count; i++)
        {
            var states = new float[layers.Count * results[i].Length];
            for (int k = 0; k < layers.Count; k++)
                results[i].CopyTo(states, k * results[i].Length);
            use(i, new TokenStates.Dense(states, layers.Count, texts[i].Length, Dimension));
        }
    }

    public void Dispose() { }
}

namespace MLNetContextual;

/// <summary>
/// A <see cref="CrossViewEncoder"/> applied by the transforms, in managed code (<see cref="CrossViewForward"/>; no
/// TorchSharp): one layer, each token's [h1→; h1←; h2→; h2←]. Texts are independent (each starts from zero LSTM
/// states; a text's products are those it gets alone), so a row's vectors do not depend on its batch. Batches are split
/// over <see cref="EncoderOptions.IntraOpThreads"/> threads.
/// </summary>
internal sealed class CrossViewSession : ITokenEncoder
{
    private readonly CrossViewEncoder _encoder;
    private readonly CrossViewTokenizer _tokenizer;
    private readonly int _threads;

    public CrossViewSession(CrossViewEncoder encoder, EncoderOptions options)
    {
        _encoder = encoder;
        _tokenizer = encoder.Tokenizer;
        MaxTokens = options.MaxTokens;
        _threads = options.IntraOpThreads ?? Environment.ProcessorCount;
    }

    public ContextualEncoder Encoder => _encoder;
    public int Dimension => _encoder.Dimension;
    public int LayerCount => 1;
    public int MaxTokens { get; }
    public int SpecialTokenCount => _tokenizer.SpecialTokenCount;

    public EncodedText Encode(string text, string secondText = null) => _tokenizer.Encode(text, secondText, MaxTokens);
    public IReadOnlyList<EncoderToken> Split(string text) => _tokenizer.Split(text);

    public EncodedText Assemble(IReadOnlyList<EncoderToken> tokens, int start, int count)
    {
        TokenFit.Check(count, MaxTokens, SpecialTokenCount, "<start> and <end>");
        return _tokenizer.Assemble(tokens, start, count);
    }

    public void Run(IReadOnlyList<EncodedText> texts, IReadOnlyList<int> layers, Action<int, TokenStates> use)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(layers);
        foreach (int l in layers)
            if (l != 0)
                throw new ArgumentOutOfRangeException(nameof(layers), $"Layer {l} is out of range: encoder '{_encoder.Name}' has 1 ([h1; h2] of both biLSTMs).");
        var forward = _encoder.Forward;
        var vocabulary = _encoder.VocabularyInternal;
        int maxWord = _encoder.Config.MaxWordLength;
        var results = new float[texts.Count][];
        void RunOne(int i) => results[i] = forward.States([CrossViewSentence.From(texts[i], vocabulary, maxWord)])[0];
        if (texts.Count <= 2 || _threads == 1)
            for (int i = 0; i < texts.Count; i++)
                RunOne(i);
        else
            Parallel.For(0, texts.Count, new ParallelOptions { MaxDegreeOfParallelism = _threads }, RunOne);
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

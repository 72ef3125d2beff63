namespace MLNetContextual;

/// <summary>
/// Runs a <see cref="CoveEncoder"/> for the transforms in plain managed code (<see cref="CoveForward"/>), so applying
/// CoVe needs no libtorch. Each text starts from zero states and gets the products it would get alone (its vectors never
/// depend on the batch); texts of similar length run in groups of 16, each weight row read once per step for the group,
/// and groups are spread over <see cref="EncoderOptions.IntraOpThreads"/> threads (null: one per processor).
/// </summary>
internal sealed class CoveSession : ITokenEncoder
{
    private const int TextsPerGroup = 16;

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
        TokenFit.Check(count, MaxTokens, 0, null);
        return _tokenizer.Assemble(tokens, start, count);
    }

    public void Run(IReadOnlyList<EncodedText> texts, IReadOnlyList<int> layers, Action<int, TokenStates> use)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(layers);
        foreach (int l in layers)
            if ((uint)l >= (uint)LayerCount)
                throw new ArgumentOutOfRangeException(nameof(layers), $"Layer {l} is out of range: encoder '{_encoder.Name}' has {LayerCount}.");
        // Texts of similar length run together (each weight row is read once per step for the group); groups are spread
        // over the threads. A text's vectors are those it gets alone.
        var order = Enumerable.Range(0, texts.Count).OrderBy(i => texts[i].Length).ToArray();
        int groups = (order.Length + TextsPerGroup - 1) / TextsPerGroup;
        var states = new TokenStates[texts.Count];
        void RunGroup(int k)
        {
            var rows = order.Skip(k * TextsPerGroup).Take(TextsPerGroup).ToArray();
            var result = States(rows.Select(i => texts[i]).ToArray(), layers);
            for (int r = 0; r < rows.Length; r++)
                states[rows[r]] = result[r];
        }
        if (groups <= 1 || _threads == 1)
            for (int k = 0; k < groups; k++)
                RunGroup(k);
        else
            Parallel.For(0, groups, new ParallelOptions { MaxDegreeOfParallelism = _threads }, RunGroup);
        for (int i = 0; i < texts.Count; i++)
            use(i, states[i]);
    }

    /// <summary>The requested layers of each text: [GloVe; 0], [GloVe; h_1], …, [GloVe; h_L] (or h_1 … h_L without GloVe;
    /// or the one layer [GloVe; h_1; …; h_L] when concatenated).</summary>
    private TokenStates[] States(EncodedText[] texts, IReadOnlyList<int> layers)
    {
        int d = _forward.InputSize, h2 = 2 * _forward.HiddenSize, dim = Dimension;
        var glove = _encoder.Glove;
        var x = new float[texts.Length][];
        var lengths = new int[texts.Length];
        var hidden = new float[texts.Length][][];
        for (int b = 0; b < texts.Length; b++)
        {
            int n = lengths[b] = texts[b].Length;
            x[b] = new float[n * d];
            for (int t = 0; t < n; t++)
                if (texts[b].Ids[t] >= 0)
                    glove.Row(texts[b].Ids[t]).CopyTo(x[b].AsSpan(t * d, d));
            hidden[b] = new float[_forward.Layers][];
            for (int l = 0; l < _forward.Layers; l++)
                hidden[b][l] = new float[n * h2];
        }
        _forward.Run(x, lengths, hidden);
        var result = new TokenStates[texts.Length];
        for (int b = 0; b < texts.Length; b++)
        {
            int n = lengths[b];
            var data = new float[layers.Count * n * dim];
            for (int k = 0; k < layers.Count; k++)
            {
                int layer = layers[k];
                for (int t = 0; t < n; t++)
                {
                    var row = data.AsSpan((k * n + t) * dim, dim);
                    if (_encoder.ConcatenateLayers)
                    {
                        int at = 0;
                        if (_encoder.IncludeGlove)
                        {
                            x[b].AsSpan(t * d, d).CopyTo(row);
                            at = d;
                        }
                        foreach (var h in hidden[b])
                        {
                            h.AsSpan(t * h2, h2).CopyTo(row[at..]);
                            at += h2;
                        }
                    }
                    else if (_encoder.IncludeGlove)
                    {
                        x[b].AsSpan(t * d, d).CopyTo(row);
                        if (layer > 0)
                            hidden[b][layer - 1].AsSpan(t * h2, h2).CopyTo(row[d..]);
                    }
                    else
                        hidden[b][layer].AsSpan(t * h2, h2).CopyTo(row);
                }
            }
            result[b] = new TokenStates.Dense(data, layers.Count, n, dim);
        }
        return result;
    }

    public void Dispose() { }
}

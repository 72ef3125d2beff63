using MLNetContextual.Torch;
using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>
/// Any <see cref="TrainableTokenEncoder"/> run by TorchSharp for the transforms: batches sorted by length, eval mode,
/// no gradients; the requested layers are copied out of the native tensors per batch. Runs are serialised (TorchSharp
/// parallelises inside each run). Dispose to free the model's tensors.
/// </summary>
internal sealed class TorchTokenSession : ITokenEncoder
{
    private readonly ITokenEncoderModule _module;
    private readonly ITextTokenizer _tokenizer;
    private readonly int _batchSize;
    private readonly int? _threads;
    private readonly object _gate = new();

    public TorchTokenSession(TrainableTokenEncoder encoder, EncoderOptions options)
    {
        TorchRuntime.EnsureLoaded();
        _tokenizer = encoder.CreateTokenizer();
        _module = encoder.CreateModule();
        _module.AsModule().eval();
        Encoder = encoder.SnapshotsWeights ? encoder.WithWeights(_module) : encoder;
        MaxTokens = options.MaxTokens;
        _batchSize = options.BatchSize;
        _threads = options.IntraOpThreads;
    }

    public ContextualEncoder Encoder { get; }
    public int Dimension => _module.HiddenSize;
    public int LayerCount => _module.LayerCount;
    public int MaxTokens { get; }
    public int SpecialTokenCount => _tokenizer.SpecialTokenCount;

    public EncodedText Encode(string text, string secondText = null) => _tokenizer.Encode(text, secondText, MaxTokens);
    public IReadOnlyList<EncoderToken> Split(string text) => _tokenizer.Split(text);
    public EncodedText Assemble(IReadOnlyList<EncoderToken> tokens, int start, int count)
    {
        TokenFit.Check(count, MaxTokens, SpecialTokenCount, "the special tokens");
        return _tokenizer.Assemble(tokens, start, count);
    }

    public void Run(IReadOnlyList<EncodedText> texts, IReadOnlyList<int> layers, Action<int, TokenStates> use)
    {
        foreach (int l in layers)
            if ((uint)l >= (uint)LayerCount)
                throw new ArgumentOutOfRangeException(nameof(layers), $"Layer {l} is out of range: encoder '{Encoder.Name}' has {LayerCount}.");
        var order = Enumerable.Range(0, texts.Count).OrderBy(i => texts[i].Length).ToArray();
        for (int start = 0; start < order.Length; start += _batchSize)
        {
            var rows = order.Skip(start).Take(_batchSize).ToArray();
            float[] data;
            int width, d = Dimension;
            lock (_gate)
            {
                using var threads = TorchThreads.Use(_threads);
                using var scope = NewDisposeScope();
                using var grad = no_grad();
                var output = _module.Encode(rows.Select(i => texts[i]).ToArray());
                var stacked = stack(layers.Select(l => output.Layers[l]).ToArray());   // (L, B, T, H)
                width = (int)stacked.shape[2];
                data = stacked.contiguous().data<float>().ToArray();
            }
            int perLayer = rows.Length * width * d;
            for (int k = 0; k < rows.Length; k++)
                use(rows[k], new Strided(data, layers.Count, texts[rows[k]].Length, d, perLayer, k * width * d));
        }
    }

    public void Dispose() => _module.Dispose();

    /// <summary>One row of (L, B, T, H) states.</summary>
    private sealed class Strided(float[] data, int layers, int tokens, int dimension, int layerStride, int offset) : TokenStates
    {
        public override int LayerCount => layers;
        public override int TokenCount => tokens;
        public override int Dimension => dimension;
        public override ReadOnlySpan<float> Layer(int layer) => data.AsSpan(layer * layerStride + offset, tokens * dimension);
    }
}

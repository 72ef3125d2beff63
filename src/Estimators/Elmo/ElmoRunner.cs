using MLNetContextual.Torch;
using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>
/// Runs an <see cref="ElmoEncoder"/> over batches of tokenized sentences as bilm-tf's <c>BidirectionalLanguageModel</c>
/// does, optionally stateful: then the LSTM states batch row k ends with are the initial states of row k of the next
/// batch (bilm-tf's inference graph; its test fixture is computed that way). Stateless (the default) each batch starts
/// from zero states. Not thread-safe; dispose to free the model.
/// </summary>
public sealed class ElmoRunner : IDisposable
{
    private readonly ElmoBiLm _model;
    private readonly ElmoTokenizer _tokenizer = new(whitespaceOnly: true);
    private readonly int? _threads;

    internal ElmoRunner(ElmoEncoder encoder, bool stateful, int? threads)
    {
        if (threads is < 1)
            throw new ArgumentOutOfRangeException(nameof(threads), $"threads is {threads}; it must be at least 1 (or null: min(processors, 4)).");
        _threads = threads;
        _model = encoder.CreateBiLm();
        _model.Stateful = stateful;
        Dimension = encoder.Dimension;
        LayerCount = encoder.LayerCount;
    }

    /// <summary>Values per token and layer (2 × projection_dim).</summary>
    public int Dimension { get; }

    /// <summary>Layers (LSTM layers + 1).</summary>
    public int LayerCount { get; }

    /// <summary>Whether LSTM states carry over from one batch to the next.</summary>
    public bool Stateful => _model.Stateful;

    /// <summary>Forgets the carried states.</summary>
    public void ResetStates() => _model.ResetStates();

    /// <summary>
    /// The biLM layers of each sentence (its tokens as given; &lt;S&gt; and &lt;/S&gt; are added and their vectors
    /// dropped, as bilm-tf's <c>lm_embeddings</c>): per sentence [layers × tokens × dimension] row-major.
    /// </summary>
    public float[][] Run(IReadOnlyList<IReadOnlyList<string>> sentences)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        if (sentences.Count == 0)
            return [];
        var batch = sentences.Select(s => _tokenizer.Assemble(s.Select((t, i) => new EncoderToken(-1, t, i, 1)).ToArray(), 0, s.Count)).ToArray();
        using var threads = TorchThreads.Use(_threads);
        using var scope = NewDisposeScope();
        using var grad = no_grad();
        var output = _model.Encode(batch);
        var stacked = stack(output.Layers.ToArray(), 1).contiguous();     // (B, L, T, D)
        long t = stacked.shape[2];
        var data = stacked.data<float>().ToArray();
        var result = new float[sentences.Count][];
        for (int b = 0; b < sentences.Count; b++)
        {
            int n = sentences[b].Count;
            var r = result[b] = new float[LayerCount * n * Dimension];
            for (int l = 0; l < LayerCount; l++)
                Array.Copy(data, ((b * LayerCount + l) * t + 1) * Dimension, r, l * n * Dimension, n * Dimension);
        }
        return result;
    }

    /// <inheritdoc />
    public void Dispose() => _model.Dispose();
}

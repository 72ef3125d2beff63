using System.Numerics.Tensors;

namespace MLNetContextual;

/// <summary>
/// Runs a <see cref="UseDanEncoder"/> in plain managed code: per text, the mean of its word and bigram embedding rows,
/// then the feed-forward layers as matrix–vector products (<see cref="TensorPrimitives"/>), tanh between them. No
/// TorchSharp, so applying a DAN needs no libtorch; measured 26.6× the MiniLM's sentences/s (bench use-throughput; the
/// TorchSharp forward was not benchmarked against it). Stateless, so
/// safe from several threads; large batches are split over <see cref="EncoderOptions.IntraOpThreads"/> threads.
/// </summary>
internal sealed class UseDanSession : ISentenceEncoder
{
    private const int TextsPerTask = 16;

    private readonly UseDanEncoder _encoder;
    private readonly UseTokenizer _tokenizer;
    private readonly UseDanWeights _weights;
    private readonly int _maxWords;
    private readonly int _threads;

    public UseDanSession(UseDanEncoder encoder, EncoderOptions options)
    {
        _encoder = encoder;
        _tokenizer = encoder.Tokenizer;
        _weights = encoder.Weights;
        _maxWords = options.MaxTokens;
        _threads = options.IntraOpThreads ?? Environment.ProcessorCount;
    }

    public ContextualEncoder Encoder => _encoder;
    public int Dimension => _weights.OutputDimension;

    public void EmbedSentences(ReadOnlySpan<string> texts, Span<float[]> vectors)
    {
        if (vectors.Length < texts.Length)
            throw new ArgumentException($"vectors has {vectors.Length} slots for {texts.Length} texts.", nameof(vectors));
        if (texts.Length <= TextsPerTask || _threads == 1)
        {
            var scratch = new Scratch(_weights);
            for (int i = 0; i < texts.Length; i++)
                vectors[i] = Embed(texts[i], scratch);
            return;
        }
        var input = texts.ToArray();
        var output = new float[input.Length][];
        int tasks = (input.Length + TextsPerTask - 1) / TextsPerTask;
        Parallel.For(0, tasks, new ParallelOptions { MaxDegreeOfParallelism = _threads }, () => new Scratch(_weights), (t, _, scratch) =>
        {
            for (int i = t * TextsPerTask, end = Math.Min(input.Length, i + TextsPerTask); i < end; i++)
                output[i] = Embed(input[i], scratch);
            return scratch;
        }, _ => { });
        output.CopyTo(vectors);
    }

    private float[] Embed(string text, Scratch s)
    {
        _tokenizer.Bag(text, _maxWords, s.Ids, s.Spans);
        int e = _weights.EmbeddingDimension;
        var x = s.Buffers[0].AsSpan(0, e);
        x.Clear();
        var table = _weights.Embeddings.AsSpan();
        foreach (int id in s.Ids)
            TensorPrimitives.Add(x, table.Slice(id * e, e), x);
        if (s.Ids.Count > 0)
            TensorPrimitives.Multiply(x, 1f / s.Ids.Count, x);
        var layers = _weights.Layers;
        int inputs = e;
        for (int l = 0; l < layers.Count; l++)
        {
            var (w, b) = layers[l];
            int outputs = b.Length;
            var input = s.Buffers[l & 1].AsSpan(0, inputs);
            float[] y = l == layers.Count - 1 ? new float[outputs] : s.Buffers[(l + 1) & 1];
            var ys = y.AsSpan(0, outputs);
            var ws = w.AsSpan();
            for (int j = 0; j < outputs; j++)
                ys[j] = TensorPrimitives.Dot(ws.Slice(j * inputs, inputs), input) + b[j];
            if (l < layers.Count - 1)
                TensorPrimitives.Tanh(ys, ys);
            else
                return y;
            inputs = outputs;
        }
        throw new InvalidOperationException("A DAN has at least one layer.");
    }

    public void Dispose() { }

    /// <summary>Per-thread buffers: the bag and two activations.</summary>
    private sealed class Scratch
    {
        public Scratch(UseDanWeights w)
        {
            int widest = Math.Max(w.EmbeddingDimension, w.Layers.Max(l => l.B.Length));
            Buffers = [new float[widest], new float[widest]];
        }

        public List<int> Ids { get; } = new();
        public List<(int, int)> Spans { get; } = new();
        public float[][] Buffers { get; }
    }
}

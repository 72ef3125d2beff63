using System.Runtime.InteropServices;

namespace MLNetContextual;

/// <summary>
/// The weights of a trained deep averaging network as plain arrays, row-major: the embedding table (tokens, then hashed
/// bigrams) [rows × E], and per layer W [out × in] and b [out]. What inference runs on (no TorchSharp) and what the zip holds.
/// </summary>
internal sealed class UseDanWeights
{
    public UseDanWeights(int embeddingDimension, float[] embeddings, IReadOnlyList<(float[] W, float[] B)> layers)
    {
        EmbeddingDimension = embeddingDimension;
        Embeddings = embeddings;
        Layers = layers;
        if (embeddings.Length % embeddingDimension != 0)
            throw new InvalidDataException($"The DAN embedding table holds {embeddings.Length} floats, not a multiple of its dimension {embeddingDimension}.");
        int inputs = embeddingDimension;
        foreach (var (w, b) in layers)
        {
            if (w.Length != (long)b.Length * inputs)
                throw new InvalidDataException($"A DAN layer has {w.Length} weights for {inputs} inputs and {b.Length} outputs.");
            inputs = b.Length;
        }
    }

    public int EmbeddingDimension { get; }
    public float[] Embeddings { get; }
    public int Rows => Embeddings.Length / EmbeddingDimension;
    public IReadOnlyList<(float[] W, float[] B)> Layers { get; }
    public int OutputDimension => Layers[^1].B.Length;

    /// <summary>The layout as the config records it: the output size of each layer.</summary>
    public int[] LayerSizes => Layers.Select(l => l.B.Length).ToArray();

    public void Write(Stream s)
    {
        s.Write(MemoryMarshal.AsBytes(Embeddings.AsSpan()));
        foreach (var (w, b) in Layers)
        {
            s.Write(MemoryMarshal.AsBytes(w.AsSpan()));
            s.Write(MemoryMarshal.AsBytes(b.AsSpan()));
        }
    }

    public static UseDanWeights Read(byte[] bytes, int rows, int embeddingDimension, int[] layerSizes)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("DAN weights are stored little-endian.");
        long expected = (long)rows * embeddingDimension;
        int inputs = embeddingDimension;
        foreach (int size in layerSizes)
        {
            expected += (long)size * inputs + size;
            inputs = size;
        }
        if (bytes.Length != expected * sizeof(float))
            throw new InvalidDataException($"The DAN weights hold {bytes.Length} bytes; its config ({rows} rows × {embeddingDimension}, layers {string.Join("-", layerSizes)}) needs {expected * sizeof(float)}.");
        int at = 0;
        float[] Take(long n)
        {
            var a = MemoryMarshal.Cast<byte, float>(bytes.AsSpan()).Slice(at, (int)n).ToArray();
            at += (int)n;
            return a;
        }
        var embeddings = Take((long)rows * embeddingDimension);
        var layers = new List<(float[], float[])>();
        inputs = embeddingDimension;
        foreach (int size in layerSizes)
        {
            layers.Add((Take((long)size * inputs), Take(size)));
            inputs = size;
        }
        return new UseDanWeights(embeddingDimension, embeddings, layers);
    }
}

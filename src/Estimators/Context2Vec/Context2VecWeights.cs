using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>
/// The weights of a context2vec model as plain row-major float arrays, one per state-dict key of
/// <see cref="Context2VecModule"/> (<c>l2r_embed.weight</c>, <c>l2r_1.weight_ih_l0</c>, …, <c>targets</c>) with its
/// shape. What the managed forward runs on, what the zip holds (one little-endian float32 blob, the tensors in the order
/// the config lists them), and what a TorchSharp module is rebuilt from.
/// </summary>
internal sealed class Context2VecWeights
{
    /// <summary>A tensor's name and shape, as the config records it.</summary>
    public sealed record Entry(string Name, long[] Shape);

    private readonly Dictionary<string, float[]> _data;

    private Context2VecWeights(IReadOnlyList<Entry> entries, Dictionary<string, float[]> data)
    {
        Entries = entries;
        _data = data;
    }

    public IReadOnlyList<Entry> Entries { get; }

    public float[] this[string name] => _data.TryGetValue(name, out var a) ? a
        : throw new InvalidDataException($"The context2vec weights have no tensor '{name}' (they hold: {string.Join(", ", _data.Keys)}).");

    public static Context2VecWeights FromModule(Context2VecModule module)
    {
        using var _ = no_grad();
        var entries = new List<Entry>();
        var data = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var (name, p) in module.named_parameters())
        {
            entries.Add(new Entry(name, p.shape));
            data[name] = p.detach().contiguous().data<float>().ToArray();
        }
        return new Context2VecWeights(entries, data);
    }

    /// <summary>Copies these weights into <paramref name="module"/>; throws naming a missing key or a shape that differs.</summary>
    public void CopyTo(Context2VecModule module)
    {
        using var _ = no_grad();
        var parameters = module.named_parameters().ToList();
        if (parameters.Count != Entries.Count)
            throw new InvalidDataException($"The context2vec weights hold {Entries.Count} tensors; the model has {parameters.Count}.");
        foreach (var (name, p) in parameters)
        {
            var entry = Entries.FirstOrDefault(e => e.Name == name)
                ?? throw new InvalidDataException($"The context2vec weights lack tensor '{name}'.");
            if (!entry.Shape.SequenceEqual(p.shape))
                throw new InvalidDataException($"Context2vec tensor '{name}' has shape [{string.Join(", ", entry.Shape)}]; the model needs [{string.Join(", ", p.shape)}].");
            using var t = tensor(_data[name], p.shape);
            p.copy_(t);
        }
    }

    /// <summary>Throws unless these are exactly the tensors a model of <paramref name="config"/> over
    /// <paramref name="vocabularySize"/> words has, with their shapes.</summary>
    public void Check(Context2VecConfig config, int vocabularySize, string where)
    {
        long v = vocabularySize, e = config.WordEmbeddingDim, h = config.LstmHiddenDim, m = config.MlpHiddenDim, d = config.ContextDim;
        var expected = new Dictionary<string, long[]>(StringComparer.Ordinal) { ["targets"] = [v, d], ["l3.weight"] = [m, 2 * h], ["l3.bias"] = [m], ["l4.weight"] = [d, m], ["l4.bias"] = [d] };
        foreach (var dir in new[] { "l2r", "r2l" })
        {
            expected[dir + "_embed.weight"] = [v, e];
            expected[dir + "_1.weight_ih_l0"] = [4 * h, e];
            expected[dir + "_1.weight_hh_l0"] = [4 * h, h];
            expected[dir + "_1.bias_ih_l0"] = [4 * h];
            expected[dir + "_1.bias_hh_l0"] = [4 * h];
        }
        foreach (var (name, shape) in expected)
        {
            var entry = Entries.FirstOrDefault(x => x.Name == name)
                ?? throw new InvalidDataException($"{where}: the weights lack tensor '{name}'.");
            if (!entry.Shape.SequenceEqual(shape))
                throw new InvalidDataException($"{where}: tensor '{name}' has shape [{string.Join(", ", entry.Shape)}]; the config needs [{string.Join(", ", shape)}].");
        }
        if (Entries.Count != expected.Count)
            throw new InvalidDataException($"{where}: the weights hold {Entries.Count} tensors; a context2vec model has {expected.Count}.");
    }

    public void Write(Stream s)
    {
        foreach (var e in Entries)
            s.Write(MemoryMarshal.AsBytes(_data[e.Name].AsSpan()));
    }

    public static Context2VecWeights Read(byte[] bytes, IReadOnlyList<Entry> entries, string where)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("context2vec weights are stored little-endian.");
        long expected = entries.Sum(e => e.Shape.Aggregate(1L, (a, b) => a * b));
        if (bytes.Length != expected * sizeof(float))
            throw new InvalidDataException($"{where}: weights.bin holds {bytes.Length} bytes; its config lists {expected} floats ({expected * sizeof(float)} bytes).");
        var floats = MemoryMarshal.Cast<byte, float>(bytes.AsSpan());
        var data = new Dictionary<string, float[]>(StringComparer.Ordinal);
        int at = 0;
        foreach (var e in entries)
        {
            int n = (int)e.Shape.Aggregate(1L, (a, b) => a * b);
            if (!data.TryAdd(e.Name, floats.Slice(at, n).ToArray()))
                throw new InvalidDataException($"{where}: the config lists tensor '{e.Name}' twice.");
            at += n;
        }
        return new Context2VecWeights(entries, data);
    }
}

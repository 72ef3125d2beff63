using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>
/// The inference weights of a Cross-View Training tagger as plain row-major float arrays, one per state-dict key of
/// <see cref="CrossViewModule"/> (the auxiliary modules, used only in training, are left out), with their shapes: what
/// the managed forward runs on, what the zip holds (one little-endian float32 blob, the tensors in the order the config
/// lists them), and what a TorchSharp module is rebuilt from.
/// </summary>
internal sealed class CrossViewWeights
{
    /// <summary>A tensor's name and shape, as the config records it.</summary>
    public sealed record Entry(string Name, long[] Shape);

    private readonly Dictionary<string, float[]> _data;

    private CrossViewWeights(IReadOnlyList<Entry> entries, Dictionary<string, float[]> data) => (Entries, _data) = (entries, data);

    public IReadOnlyList<Entry> Entries { get; }

    public float[] this[string name] => _data.TryGetValue(name, out var a) ? a
        : throw new InvalidDataException($"The Cross-View Training weights have no tensor '{name}'.");

    /// <summary>The parameters of <paramref name="module"/> that inference uses (not the auxiliary modules).</summary>
    public static CrossViewWeights FromModule(CrossViewModule module)
    {
        using var _ = no_grad();
        var entries = new List<Entry>();
        var data = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var (name, p) in module.named_parameters())
        {
            if (CrossViewModule.IsAuxiliary(name))
                continue;
            entries.Add(new Entry(name, p.shape));
            data[name] = p.detach().contiguous().data<float>().ToArray();
        }
        return new CrossViewWeights(entries, data);
    }

    /// <summary>Copies these weights into <paramref name="module"/> (its auxiliary modules keep theirs).</summary>
    public void CopyTo(CrossViewModule module)
    {
        using var _ = no_grad();
        foreach (var (name, p) in module.named_parameters())
        {
            if (CrossViewModule.IsAuxiliary(name))
                continue;
            var entry = Entries.FirstOrDefault(e => e.Name == name)
                ?? throw new InvalidDataException($"The Cross-View Training weights lack tensor '{name}'.");
            if (!entry.Shape.SequenceEqual(p.shape))
                throw new InvalidDataException($"Cross-View Training tensor '{name}' has shape [{string.Join(", ", entry.Shape)}]; the model needs [{string.Join(", ", p.shape)}].");
            using var t = tensor(_data[name], p.shape);
            p.copy_(t);
        }
    }

    /// <summary>Throws unless these are exactly the tensors of <paramref name="expected"/> (name → shape).</summary>
    public void Check(IReadOnlyDictionary<string, long[]> expected, string where)
    {
        foreach (var (name, shape) in expected)
        {
            var entry = Entries.FirstOrDefault(x => x.Name == name)
                ?? throw new InvalidDataException($"{where}: the weights lack tensor '{name}'.");
            if (!entry.Shape.SequenceEqual(shape))
                throw new InvalidDataException($"{where}: tensor '{name}' has shape [{string.Join(", ", entry.Shape)}]; the config needs [{string.Join(", ", shape)}].");
        }
        if (Entries.Count != expected.Count)
            throw new InvalidDataException($"{where}: the weights hold {Entries.Count} tensors; this model has {expected.Count}.");
    }

    public void Write(Stream s)
    {
        foreach (var e in Entries)
            s.Write(MemoryMarshal.AsBytes(_data[e.Name].AsSpan()));
    }

    public static CrossViewWeights Read(byte[] bytes, IReadOnlyList<Entry> entries, string where)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("Cross-View Training weights are stored little-endian.");
        if (entries.Any(e => e?.Name == null || e.Shape == null || e.Shape.Any(d => d < 0 || d > int.MaxValue)))
            throw new InvalidDataException($"{where}: its config lists a tensor without a name or with an invalid shape.");
        long expected = entries.Sum(e => e.Shape.Aggregate(1L, (a, b) => a * b));
        if (bytes.LongLength != expected * sizeof(float))
            throw new InvalidDataException($"{where}: weights.bin holds {bytes.Length} bytes; its config lists {expected} floats ({expected * sizeof(float)} bytes).");
        var floats = MemoryMarshal.Cast<byte, float>(bytes.AsSpan());
        var data = new Dictionary<string, float[]>(StringComparer.Ordinal);
        int at = 0;
        foreach (var e in entries)
        {
            int n = (int)e.Shape.Aggregate(1L, (a, b) => a * b);
            var values = floats.Slice(at, n).ToArray();
            if (values.Any(v => !float.IsFinite(v)))
                throw new InvalidDataException($"{where}: tensor '{e.Name}' holds a non-finite value.");
            if (!data.TryAdd(e.Name, values))
                throw new InvalidDataException($"{where}: the config lists tensor '{e.Name}' twice.");
            at += n;
        }
        return new CrossViewWeights(entries, data);
    }
}

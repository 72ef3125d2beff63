using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>
/// A model's weights as plain row-major float arrays, one per state-dict key, with their shapes: what a managed forward
/// runs on, what the zip holds (one little-endian float32 blob, the tensors in the order the config lists them), and
/// what a TorchSharp module is rebuilt from. Shared by the encoders that save their weights this way (context2vec,
/// Cross-View Training); <see cref="What"/> names the model in every message.
/// </summary>
internal sealed class StateTensors
{
    /// <summary>A tensor's name and shape, as the config records it.</summary>
    public sealed record Entry(string Name, long[] Shape);

    private readonly Dictionary<string, float[]> _data;

    private StateTensors(string what, IReadOnlyList<Entry> entries, Dictionary<string, float[]> data) => (What, Entries, _data) = (what, entries, data);

    /// <summary>The model's name in messages ("context2vec", "Cross-View Training").</summary>
    public string What { get; }

    public IReadOnlyList<Entry> Entries { get; }

    public float[] this[string name] => _data.TryGetValue(name, out var a) ? a
        : throw new InvalidDataException($"The {What} weights have no tensor '{name}' (they hold: {string.Join(", ", _data.Keys)}).");

    /// <summary>The parameters of <paramref name="module"/> (those <paramref name="include"/> keeps; null: all).</summary>
    public static StateTensors FromModule(nn.Module module, string what, Func<string, bool> include = null)
    {
        using var _ = no_grad();
        var entries = new List<Entry>();
        var data = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var (name, p) in module.named_parameters())
        {
            if (include != null && !include(name))
                continue;
            entries.Add(new Entry(name, p.shape));
            data[name] = p.detach().contiguous().data<float>().ToArray();
        }
        return new StateTensors(what, entries, data);
    }

    /// <summary>Copies these weights into the parameters of <paramref name="module"/> that <paramref name="include"/>
    /// keeps (the others keep theirs); throws naming a count, a missing key or a shape that differs.</summary>
    public void CopyTo(nn.Module module, Func<string, bool> include = null)
    {
        using var _ = no_grad();
        var parameters = module.named_parameters().Where(p => include == null || include(p.name)).ToList();
        if (parameters.Count != Entries.Count)
            throw new InvalidDataException($"The {What} weights hold {Entries.Count} tensors; the model has {parameters.Count}.");
        foreach (var (name, p) in parameters)
        {
            var entry = Entries.FirstOrDefault(e => e.Name == name)
                ?? throw new InvalidDataException($"The {What} weights lack tensor '{name}'.");
            if (!entry.Shape.SequenceEqual(p.shape))
                throw new InvalidDataException($"{What} tensor '{name}' has shape [{string.Join(", ", entry.Shape)}]; the model needs [{string.Join(", ", p.shape)}].");
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
            throw new InvalidDataException($"{where}: the weights hold {Entries.Count} tensors; a {What} model of this config has {expected.Count}.");
    }

    public void Write(Stream s)
    {
        foreach (var e in Entries)
            s.Write(MemoryMarshal.AsBytes(_data[e.Name].AsSpan()));
    }

    /// <summary>The tensors <paramref name="entries"/> lists, read from <paramref name="bytes"/> in that order; throws
    /// (prefixed by <paramref name="where"/>) on a size that differs, a bad entry, a repeated name or a non-finite value.</summary>
    public static StateTensors Read(byte[] bytes, IReadOnlyList<Entry> entries, string where, string what)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException($"{what} weights are stored little-endian.");
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
        return new StateTensors(what, entries, data);
    }
}

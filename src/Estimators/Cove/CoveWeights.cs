using System.Runtime.InteropServices;
using MLNetContextual.Torch.Import;

namespace MLNetContextual;

/// <summary>
/// The MT-LSTM's weights as plain arrays in PyTorch's <c>nn.LSTM</c> layout: per layer l and direction (forward, then
/// <c>_reverse</c>) <c>weight_ih_l{l}</c> [4H × in], <c>weight_hh_l{l}</c> [4H × H], <c>bias_ih_l{l}</c> [4H] and
/// <c>bias_hh_l{l}</c> [4H], gates in PyTorch's order i, f, g, o; in = the GloVe dimension for layer 0, 2H above it.
/// What the managed forward runs on, what the zip holds, and what <c>wmtlstm-*.pth</c> files contain.
/// </summary>
internal sealed class CoveWeights
{
    private readonly Dictionary<string, float[]> _tensors;

    private CoveWeights(int inputSize, int hiddenSize, int layers, Dictionary<string, float[]> tensors)
    {
        (InputSize, HiddenSize, Layers, _tensors) = (inputSize, hiddenSize, layers, tensors);
    }

    /// <summary>The GloVe dimension the first layer reads.</summary>
    public int InputSize { get; }
    /// <summary>Units per direction (H).</summary>
    public int HiddenSize { get; }
    /// <summary>biLSTM layers.</summary>
    public int Layers { get; }

    /// <summary>The state-dict keys of an <c>nn.LSTM(in, H, layers, bidirectional=True)</c>, with their shapes, in order.</summary>
    public static IEnumerable<(string Key, long[] Shape)> Keys(int inputSize, int hiddenSize, int layers)
    {
        long g = 4L * hiddenSize;
        for (int l = 0; l < layers; l++)
            foreach (var suffix in new[] { "", "_reverse" })
            {
                long input = l == 0 ? inputSize : 2L * hiddenSize;
                yield return ($"weight_ih_l{l}{suffix}", [g, input]);
                yield return ($"weight_hh_l{l}{suffix}", [g, hiddenSize]);
                yield return ($"bias_ih_l{l}{suffix}", [g]);
                yield return ($"bias_hh_l{l}{suffix}", [g]);
            }
    }

    /// <summary>A tensor by its PyTorch key.</summary>
    public float[] this[string key] => _tensors[key];

    /// <summary>W_ih, W_hh and b_ih + b_hh of layer <paramref name="layer"/>, direction <paramref name="reverse"/>.</summary>
    public (float[] Wih, float[] Whh, float[] Bias) Direction(int layer, bool reverse)
    {
        string s = $"l{layer}{(reverse ? "_reverse" : "")}";
        var b = (float[])_tensors["bias_ih_" + s].Clone();
        System.Numerics.Tensors.TensorPrimitives.Add(b, _tensors["bias_hh_" + s], b);
        return (_tensors["weight_ih_" + s], _tensors["weight_hh_" + s], b);
    }

    /// <summary>
    /// Checks a state dict read from <paramref name="source"/> against the shape it must have, nanoGPT style: the key set
    /// must be exactly that of <c>nn.LSTM(inputSize, hiddenSize, layers, bidirectional=True)</c> and every shape must match;
    /// errors name the key, the expected and the found shape.
    /// </summary>
    public static CoveWeights FromStateDict(IReadOnlyDictionary<string, WeightTensor> dict, int inputSize, int hiddenSize, int layers, string source)
    {
        var expected = Keys(inputSize, hiddenSize, layers).ToList();
        var missing = expected.Where(k => !dict.ContainsKey(k.Key)).Select(k => k.Key).ToList();
        var unexpected = dict.Keys.Where(k => expected.All(e => e.Key != k)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new InvalidDataException(
                $"{source} holds {dict.Count} tensors; an nn.LSTM({inputSize}, {hiddenSize}, num_layers={layers}, bidirectional=True) has {expected.Count}."
                + (missing.Count > 0 ? $" Missing: {string.Join(", ", missing.Take(10))}{(missing.Count > 10 ? ", ..." : "")}." : "")
                + (unexpected.Count > 0 ? $" Unexpected: {string.Join(", ", unexpected.Take(10))}{(unexpected.Count > 10 ? ", ..." : "")}." : ""));
        var tensors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var (key, shape) in expected)
        {
            var w = dict[key];
            if (!w.Shape.SequenceEqual(shape))
                throw new InvalidDataException($"Tensor '{key}' in {source} has shape {w.ShapeText}; expected [{string.Join(", ", shape)}].");
            if (w.Data.Any(v => !float.IsFinite(v)))
                throw new InvalidDataException($"Tensor '{key}' in {source} holds a non-finite value.");
            tensors[key] = w.Data;
        }
        return new CoveWeights(inputSize, hiddenSize, layers, tensors);
    }

    /// <summary>Weights taken from named arrays (a trained TorchSharp model), keys and lengths checked.</summary>
    public static CoveWeights FromArrays(IReadOnlyDictionary<string, float[]> arrays, int inputSize, int hiddenSize, int layers, string source) =>
        FromStateDict(arrays.ToDictionary(a => a.Key, a => new WeightTensor(
            Keys(inputSize, hiddenSize, layers).FirstOrDefault(k => k.Key == a.Key).Shape ?? [a.Value.LongLength], a.Value)), inputSize, hiddenSize, layers, source);

    /// <summary>The state dict as <see cref="WeightTensor"/>s (PyTorch layout).</summary>
    public Dictionary<string, WeightTensor> ToStateDict() =>
        Keys(InputSize, HiddenSize, Layers).ToDictionary(k => k.Key, k => new WeightTensor(k.Shape, _tensors[k.Key]), StringComparer.Ordinal);

    /// <summary>Every tensor in key order as little-endian float32 (the zip's <c>mtlstm.bin</c>).</summary>
    public void Write(Stream s)
    {
        foreach (var (key, _) in Keys(InputSize, HiddenSize, Layers))
            s.Write(MemoryMarshal.AsBytes(_tensors[key].AsSpan()));
    }

    /// <summary>Reads what <see cref="Write"/> wrote for the given sizes; the length must match exactly.</summary>
    public static CoveWeights Read(byte[] bytes, int inputSize, int hiddenSize, int layers, string source)
    {
        var keys = Keys(inputSize, hiddenSize, layers).ToList();
        long floats = keys.Sum(k => k.Shape.Aggregate(1L, (a, b) => a * b));
        if (bytes.LongLength != floats * 4)
            throw new InvalidDataException($"{source} holds {bytes.LongLength} bytes; {layers} biLSTM layers of {hiddenSize} units over {inputSize} inputs need {floats * 4}.");
        var all = MemoryMarshal.Cast<byte, float>(bytes.AsSpan());
        var dict = new Dictionary<string, WeightTensor>(StringComparer.Ordinal);
        int offset = 0;
        foreach (var (key, shape) in keys)
        {
            int n = (int)shape.Aggregate(1L, (a, b) => a * b);
            dict[key] = new WeightTensor(shape, all.Slice(offset, n).ToArray());
            offset += n;
        }
        return FromStateDict(dict, inputSize, hiddenSize, layers, source);
    }
}

using System.Text;
using System.Text.RegularExpressions;

namespace MLNetContextual;

/// <summary>
/// Finds the hidden states of every layer inside a BERT ONNX export and adds them to the graph's outputs, so that layer
/// selection and the scalar mix work on ONNX Runtime too. Exports keep PyTorch's names for LayerNorm biases: the node
/// that adds <c>embeddings.LayerNorm.bias</c> gives hidden state 0, the one that adds
/// <c>encoder.layer.{i}.output.LayerNorm.bias</c> hidden state i + 1. Only the protobuf framing is touched: the graph's
/// output list gets new entries (float tensors, shape left to inference) and the graph's length prefix is rewritten.
/// </summary>
internal static class OnnxHiddenStates
{
    private static readonly Regex LayerBias = new(@"^(?:bert\.|roberta\.|model\.)?(?:embeddings\.LayerNorm\.bias|encoder\.layer\.(\d+)\.output\.LayerNorm\.bias)$", RegexOptions.CultureInvariant);

    /// <summary>The hidden-state value names (0 = embeddings) of <paramref name="model"/>, or null when they cannot be
    /// identified (then only the last output is available).</summary>
    public static string[] FindNames(byte[] model)
    {
        if (!TryField(model, 0, model.Length, 7, out int gStart, out int gEnd))
            return null;
        var byLayer = new SortedDictionary<int, string>();
        foreach (var (start, end) in Fields(model, gStart, gEnd, 1))   // GraphProto.node
        {
            var inputs = Strings(model, start, end, 1);
            var outputs = Strings(model, start, end, 2);
            string op = Strings(model, start, end, 4).FirstOrDefault();
            if (outputs.Count == 0 || op is not ("Add" or "LayerNormalization" or "SkipLayerNormalization"))
                continue;
            foreach (var input in inputs)
            {
                var m = LayerBias.Match(input);
                if (m.Success)
                    byLayer.TryAdd(m.Groups[1].Success ? int.Parse(m.Groups[1].Value) + 1 : 0, outputs[0]);
            }
        }
        if (byLayer.Count < 2 || byLayer.Keys.Last() != byLayer.Count - 1)
            return null;   // missing or unnamed layers: don't guess
        return byLayer.Values.ToArray();
    }

    /// <summary><paramref name="model"/> with <paramref name="names"/> added to the graph outputs (those not already there).</summary>
    public static byte[] WithOutputs(byte[] model, IReadOnlyList<string> names)
    {
        if (!TryField(model, 0, model.Length, 7, out int gStart, out int gEnd))
            throw new InvalidDataException("The ONNX model has no graph.");
        var existing = Fields(model, gStart, gEnd, 12).Select(f => Strings(model, f.Start, f.End, 1).FirstOrDefault()).ToHashSet();
        using var graph = new MemoryStream();
        graph.Write(model, gStart, gEnd - gStart);
        foreach (var name in names.Where(n => !existing.Contains(n)))
        {
            byte[] tensorType = [0x08, 0x01];                             // TensorProto.elem_type = FLOAT
            var type = Message(1, tensorType);                            // TypeProto.tensor_type
            var info = Concat(Message(1, Encoding.UTF8.GetBytes(name)), Message(2, type));   // ValueInfoProto name, type
            graph.Write(Message(12, info));                              // GraphProto.output
        }
        using var result = new MemoryStream(model.Length + 1024);
        int at = 0;
        while (at < model.Length)
        {
            int fieldStart = at;
            ulong key = Varint(model, ref at);
            Skip(model, ref at, (int)(key & 7));
            if (key >> 3 != 7)
                result.Write(model, fieldStart, at - fieldStart);
        }
        result.Write(Message(7, graph.ToArray()));
        return result.ToArray();
    }

    private static byte[] Message(int field, byte[] payload)
    {
        using var m = new MemoryStream(payload.Length + 10);
        WriteVarint(m, ((ulong)field << 3) | 2);
        WriteVarint(m, (ulong)payload.Length);
        m.Write(payload);
        return m.ToArray();
    }

    private static byte[] Concat(byte[] a, byte[] b) => [.. a, .. b];

    private static void WriteVarint(Stream s, ulong v)
    {
        while (v >= 0x80)
        {
            s.WriteByte((byte)(v | 0x80));
            v >>= 7;
        }
        s.WriteByte((byte)v);
    }

    private static bool TryField(byte[] b, int start, int end, int field, out int fStart, out int fEnd)
    {
        foreach (var f in Fields(b, start, end, field))
        {
            (fStart, fEnd) = f;
            return true;
        }
        fStart = fEnd = 0;
        return false;
    }

    private static List<(int Start, int End)> Fields(byte[] b, int start, int end, int field)
    {
        var found = new List<(int, int)>();
        int at = start;
        while (at < end)
        {
            ulong key = Varint(b, ref at);
            int wire = (int)(key & 7);
            if ((int)(key >> 3) == field && wire == 2)
            {
                int length = checked((int)Varint(b, ref at));
                if (length < 0 || at + length > end)
                    throw new InvalidDataException($"ONNX protobuf: field {field} at byte {at} claims {length} bytes; only {end - at} remain.");
                found.Add((at, at + length));
                at += length;
            }
            else
                Skip(b, ref at, wire);
            if (at > end)
                throw new InvalidDataException($"ONNX protobuf: a field runs past its message's end at byte {end}.");
        }
        return found;
    }

    private static List<string> Strings(byte[] b, int start, int end, int field) =>
        Fields(b, start, end, field).Select(f => Encoding.UTF8.GetString(b, f.Start, f.End - f.Start)).ToList();

    private static void Skip(byte[] b, ref int at, int wire)
    {
        switch (wire)
        {
            case 0: Varint(b, ref at); break;
            case 1: at += 8; break;
            case 2:
                int length = checked((int)Varint(b, ref at));   // read first: "at += Varint(ref at)" would lose the varint's bytes
                at += length;
                break;
            case 5: at += 4; break;
            default: throw new InvalidDataException($"ONNX protobuf: unsupported wire type {wire} before byte {at}.");
        }
        if (at > b.Length)
            throw new InvalidDataException("ONNX protobuf: truncated.");
    }

    private static ulong Varint(byte[] b, ref int at)
    {
        ulong v = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (at >= b.Length)
                throw new InvalidDataException("ONNX protobuf: truncated varint.");
            byte x = b[at++];
            v |= (ulong)(x & 0x7F) << shift;
            if (x < 0x80)
                return v;
        }
        throw new InvalidDataException($"ONNX protobuf: varint too long before byte {at}.");
    }
}

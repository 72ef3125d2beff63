using System.Runtime.InteropServices;

namespace MLNetContextual.Torch.Import;

/// <summary>An ONNX tensor as stored: name, element type (1 = float, 7 = int64, 10 = float16), dims, values.</summary>
internal sealed class OnnxTensor
{
    public const int Float = 1, Int64 = 7, Float16 = 10, Double = 11, BFloat16 = 16;

    public string Name { get; init; } = "";
    public int DataType { get; init; }
    public long[] Dims { get; init; } = [];
    /// <summary>raw_data when present (little-endian), else null.</summary>
    public byte[] Raw { get; init; }
    public float[] FloatData { get; init; } = [];
    public long[] Int64Data { get; init; } = [];

    public long ElementCount => Dims.Aggregate(1L, (a, d) => a * d);

    /// <summary>The values as float32, whatever the storage (raw_data or float_data; float, float16, bfloat16, double).</summary>
    public float[] ToFloats()
    {
        if (Raw == null)
            return DataType == Float ? FloatData
                : throw new InvalidDataException($"ONNX tensor '{Name}' has type {DataType} without raw_data; only float is read that way.");
        return DataType switch
        {
            Float => MemoryMarshal.Cast<byte, float>(Raw).ToArray(),
            Float16 => MemoryMarshal.Cast<byte, Half>(Raw).ToArray().Select(h => (float)h).ToArray(),
            BFloat16 => MemoryMarshal.Cast<byte, ushort>(Raw).ToArray().Select(b => BitConverter.Int32BitsToSingle(b << 16)).ToArray(),
            Double => MemoryMarshal.Cast<byte, double>(Raw).ToArray().Select(d => (float)d).ToArray(),
            _ => throw new InvalidDataException($"ONNX tensor '{Name}' has element type {DataType}; expected a floating-point type."),
        };
    }

    /// <summary>The values as int64 (raw_data or int64_data).</summary>
    public long[] ToInt64s() => DataType != Int64
        ? throw new InvalidDataException($"ONNX tensor '{Name}' has element type {DataType}, not int64.")
        : Raw != null ? MemoryMarshal.Cast<byte, long>(Raw).ToArray() : Int64Data;
}

/// <summary>One graph node: op type, inputs and outputs by name, and its tensor/int/float attributes (as tensors).</summary>
internal sealed record OnnxNode(string Name, string OpType, string[] Inputs, string[] Outputs, Dictionary<string, OnnxTensor> Attributes)
{
    /// <summary>A Constant node's value; null for other nodes.</summary>
    public OnnxTensor Value => OpType == "Constant" && Attributes.TryGetValue("value", out var t) ? t : null;

    public long IntAttribute(string name, long fallback) =>
        Attributes.TryGetValue(name, out var t) && t.DataType == OnnxTensor.Int64 ? t.ToInt64s()[0] : fallback;
}

/// <summary>The parts of an ONNX ModelProto.graph that weight import needs: initializers and nodes.</summary>
internal sealed class OnnxGraph
{
    public Dictionary<string, OnnxTensor> Initializers { get; } = new(StringComparer.Ordinal);
    public List<OnnxNode> Nodes { get; } = [];

    /// <summary>Parses ModelProto (field 7 graph) → GraphProto (1 node, 5 initializer). Other fields are skipped.</summary>
    public static OnnxGraph Parse(ReadOnlySpan<byte> model)
    {
        var graph = new OnnxGraph();
        var reader = new ProtoReader(model);
        bool found = false;
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            if (field == 7 && wire == 2) { graph.ReadGraph(reader.ReadBytes()); found = true; }
            else reader.Skip(wire);
        }
        if (!found) throw new InvalidDataException("Not an ONNX model: no graph (ModelProto field 7) found.");
        return graph;
    }

    private void ReadGraph(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtoReader(bytes);
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            if (field == 1 && wire == 2) Nodes.Add(ReadNode(reader.ReadBytes()));
            else if (field == 5 && wire == 2)
            {
                var t = ReadTensor(reader.ReadBytes());
                Initializers[t.Name] = t;
            }
            else reader.Skip(wire);
        }
    }

    private static OnnxNode ReadNode(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtoReader(bytes);
        List<string> inputs = [], outputs = [];
        string name = "", op = "";
        var attributes = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1 when wire == 2: inputs.Add(reader.ReadString()); break;
                case 2 when wire == 2: outputs.Add(reader.ReadString()); break;
                case 3 when wire == 2: name = reader.ReadString(); break;
                case 4 when wire == 2: op = reader.ReadString(); break;
                case 5 when wire == 2:
                    var (key, value) = ReadAttribute(reader.ReadBytes());
                    if (value != null) attributes[key] = value;
                    break;
                default: reader.Skip(wire); break;
            }
        }
        return new OnnxNode(name, op, [.. inputs], [.. outputs], attributes);
    }

    /// <summary>AttributeProto: name, and 't' (tensor), 'f' (float) or 'i' (int) as a tensor; null for other kinds.</summary>
    private static (string Name, OnnxTensor Value) ReadAttribute(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtoReader(bytes);
        OnnxTensor value = null;
        string name = "";
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1 when wire == 2: name = reader.ReadString(); break;
                case 2 when wire == 5: value = new OnnxTensor { DataType = OnnxTensor.Float, FloatData = [reader.ReadFixed32Float()] }; break;
                case 3 when wire == 0: value = new OnnxTensor { DataType = OnnxTensor.Int64, Int64Data = [(long)reader.ReadVarint()] }; break;
                case 5 when wire == 2: value = ReadTensor(reader.ReadBytes()); break;
                default: reader.Skip(wire); break;
            }
        }
        return (name, value);
    }

    /// <summary>TensorProto: 1 dims, 2 data_type, 4 float_data, 7 int64_data, 8 name, 9 raw_data, 14 data_location.</summary>
    private static OnnxTensor ReadTensor(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtoReader(bytes);
        List<long> dims = [], longs = [];
        List<float> floats = [];
        string name = "";
        int type = 0;
        byte[] raw = null;
        bool external = false;
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1: reader.ReadInt64s(wire, dims); break;
                case 2 when wire == 0: type = (int)reader.ReadVarint(); break;
                case 4: reader.ReadFloats(wire, floats); break;
                case 7: reader.ReadInt64s(wire, longs); break;
                case 8 when wire == 2: name = reader.ReadString(); break;
                case 9 when wire == 2: raw = reader.ReadBytes().ToArray(); break;
                case 14 when wire == 0: external = reader.ReadVarint() == 1; break;
                default: reader.Skip(wire); break;
            }
        }
        if (external)
            throw new NotSupportedException($"ONNX tensor '{name}' keeps its data in an external file; only self-contained models are read.");
        return new OnnxTensor { Name = name, DataType = type, Dims = [.. dims], Raw = raw, FloatData = [.. floats], Int64Data = [.. longs] };
    }
}

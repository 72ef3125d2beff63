using System.Runtime.InteropServices;

namespace MLNetContextual.Torch.Import;

/// <summary>An ONNX tensor as stored: name, element type (1 = float, 7 = int64, 10 = float16), dims, values.</summary>
internal sealed class OnnxTensor
{
    public const int Float = 1, Int64 = 7, Float16 = 10, Double = 11, BFloat16 = 16;

    public string Name { get; init; } = "";
    /// <summary>The model the tensor was read from, for errors.</summary>
    public string Source { get; init; } = "ONNX model";
    public int DataType { get; init; }
    public long[] Dims { get; init; } = [];
    /// <summary>raw_data when present (little-endian), else null.</summary>
    public byte[] Raw { get; init; }
    public float[] FloatData { get; init; } = [];
    public long[] Int64Data { get; init; } = [];

    /// <summary>Product of the dims (checked when the tensor is read: at most <see cref="Array.MaxLength"/>).</summary>
    public long ElementCount => Dims.Aggregate(1L, (a, d) => a * d);

    /// <summary>Bytes per element in raw_data; 0 for types this reader does not convert.</summary>
    public static int ElementSize(int dataType) => dataType switch
    {
        Float => 4, Int64 => 8, Float16 or BFloat16 => 2, Double => 8, _ => 0,
    };

    /// <summary>The values as float32, whatever the storage (raw_data or float_data; float, float16, bfloat16, double), all finite.</summary>
    public float[] ToFloats()
    {
        var values = ConvertFloats();
        if (values.LongLength != ElementCount)
            throw new InvalidDataException($"ONNX tensor '{Name}' in '{Source}' holds {values.LongLength} values; its dims [{string.Join(", ", Dims)}] need {ElementCount}.");
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
                throw new InvalidDataException($"ONNX tensor '{Name}' in '{Source}': value {i} is {values[i]}; expected finite weights.");
        return values;
    }

    private float[] ConvertFloats()
    {
        if (Raw == null)
            return DataType == Float ? FloatData
                : throw new InvalidDataException($"ONNX tensor '{Name}' in '{Source}' has type {DataType} without raw_data; only float is read that way.");
        return DataType switch
        {
            Float => MemoryMarshal.Cast<byte, float>(Raw).ToArray(),
            Float16 => MemoryMarshal.Cast<byte, Half>(Raw).ToArray().Select(h => (float)h).ToArray(),
            BFloat16 => MemoryMarshal.Cast<byte, ushort>(Raw).ToArray().Select(b => BitConverter.Int32BitsToSingle(b << 16)).ToArray(),
            Double => MemoryMarshal.Cast<byte, double>(Raw).ToArray().Select(d => (float)d).ToArray(),
            _ => throw new InvalidDataException($"ONNX tensor '{Name}' in '{Source}' has element type {DataType}; expected a floating-point type."),
        };
    }

    /// <summary>The values as int64 (raw_data or int64_data).</summary>
    public long[] ToInt64s()
    {
        if (DataType != Int64)
            throw new InvalidDataException($"ONNX tensor '{Name}' in '{Source}' has element type {DataType}, not int64.");
        var values = Raw != null ? MemoryMarshal.Cast<byte, long>(Raw).ToArray() : Int64Data;
        if (values.LongLength != ElementCount)
            throw new InvalidDataException($"ONNX tensor '{Name}' in '{Source}' holds {values.LongLength} int64s; its dims [{string.Join(", ", Dims)}] need {ElementCount}.");
        return values;
    }

    /// <summary>The single int64 of a scalar tensor; null when it is not one.</summary>
    public long? Int64Scalar() => DataType == Int64 && ElementCount == 1 ? ToInt64s()[0] : null;

    /// <summary>The single float of a scalar tensor; null when it is not one.</summary>
    public float? FloatScalar() => ElementCount == 1 && ElementSize(DataType) > 0 && DataType != Int64 ? ToFloats()[0] : null;
}

/// <summary>One graph node: op type, inputs and outputs by name, and its tensor/int/float attributes (as tensors).</summary>
internal sealed record OnnxNode(string Name, string OpType, string[] Inputs, string[] Outputs, Dictionary<string, OnnxTensor> Attributes)
{
    /// <summary>A Constant node's value; null for other nodes.</summary>
    public OnnxTensor Value => OpType == "Constant" && Attributes.TryGetValue("value", out var t) ? t : null;

    public long IntAttribute(string name, long fallback) =>
        Attributes.TryGetValue(name, out var t) && t.Int64Scalar() is long v ? v : fallback;
}

/// <summary>The parts of an ONNX ModelProto.graph that weight import needs: initializers and nodes.</summary>
internal sealed class OnnxGraph
{
    public Dictionary<string, OnnxTensor> Initializers { get; } = new(StringComparer.Ordinal);
    public List<OnnxNode> Nodes { get; } = [];

    /// <summary>Parses ModelProto (field 7 graph) → GraphProto (1 node, 5 initializer). Other fields are skipped.</summary>
    /// <param name="model">The file's bytes.</param>
    /// <param name="name">The file's name, for errors.</param>
    public static OnnxGraph Parse(ReadOnlySpan<byte> model, string name = "ONNX model")
    {
        var graph = new OnnxGraph();
        var reader = new ProtoReader(model, name);
        bool found = false;
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            if (field == 7 && wire == 2)
            {
                if (found) throw reader.Error(reader.Offset, "one graph (ModelProto field 7)", "a second one");
                graph.ReadGraph(reader.ReadMessage(), name);
                found = true;
            }
            else reader.Skip(wire);
        }
        if (!found) throw new InvalidDataException($"'{name}' is not an ONNX model: expected a graph (ModelProto field 7); found none in {model.Length} bytes.");
        return graph;
    }

    private void ReadGraph(ProtoReader reader, string name)
    {
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            if (field == 1 && wire == 2) Nodes.Add(ReadNode(reader.ReadMessage(), name));
            else if (field == 5 && wire == 2)
            {
                long at = reader.Offset;
                var t = ReadTensor(reader.ReadMessage(), name);
                if (!Initializers.TryAdd(t.Name, t))
                    throw reader.Error(at, "initializers with distinct names", $"'{t.Name}' a second time");
            }
            else reader.Skip(wire);
        }
    }

    private static OnnxNode ReadNode(ProtoReader reader, string source)
    {
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
                    var (key, value) = ReadAttribute(reader.ReadMessage(), source);
                    if (value != null) attributes[key] = value;
                    break;
                default: reader.Skip(wire); break;
            }
        }
        return new OnnxNode(name, op, [.. inputs], [.. outputs], attributes);
    }

    /// <summary>AttributeProto: name, and 't' (tensor), 'f' (float) or 'i' (int) as a tensor; null for other kinds.</summary>
    private static (string Name, OnnxTensor Value) ReadAttribute(ProtoReader reader, string source)
    {
        OnnxTensor value = null;
        string name = "";
        while (!reader.End)
        {
            var (field, wire) = reader.ReadTag();
            switch (field)
            {
                case 1 when wire == 2: name = reader.ReadString(); break;
                case 2 when wire == 5: value = new OnnxTensor { Source = source, DataType = OnnxTensor.Float, FloatData = [reader.ReadFixed32Float()] }; break;
                case 3 when wire == 0: value = new OnnxTensor { Source = source, DataType = OnnxTensor.Int64, Int64Data = [(long)reader.ReadVarint()] }; break;
                case 5 when wire == 2: value = ReadTensor(reader.ReadMessage(), source); break;
                default: reader.Skip(wire); break;
            }
        }
        return (name, value);
    }

    /// <summary>
    /// TensorProto: 1 dims, 2 data_type, 4 float_data, 7 int64_data, 8 name, 9 raw_data, 14 data_location. Dims must be
    /// non-negative with a product of at most <see cref="Array.MaxLength"/>; raw_data must hold exactly that many elements.
    /// </summary>
    private static OnnxTensor ReadTensor(ProtoReader reader, string source)
    {
        long start = reader.Offset;
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
                case 2 when wire == 0:
                    ulong t = reader.ReadVarint();
                    type = t <= int.MaxValue ? (int)t : throw reader.Error(reader.Offset, "an ONNX data type", t.ToString());
                    break;
                case 4: reader.ReadFloats(wire, floats); break;
                case 7: reader.ReadInt64s(wire, longs); break;
                case 8 when wire == 2: name = reader.ReadString(); break;
                case 9 when wire == 2: raw = reader.ReadBytes().ToArray(); break;
                case 14 when wire == 0: external = reader.ReadVarint() == 1; break;
                default: reader.Skip(wire); break;
            }
        }
        if (external)
            throw new NotSupportedException($"ONNX tensor '{name}' in '{source}' keeps its data in an external file; only self-contained models are read.");
        Int128 count = 1;
        foreach (long d in dims)
        {
            if (d < 0) throw reader.Error(start, $"non-negative dims for tensor '{name}'", $"[{string.Join(", ", dims)}]");
            count *= d;
            if (count > Array.MaxLength) throw reader.Error(start, $"at most {Array.MaxLength} elements in tensor '{name}'", $"dims [{string.Join(", ", dims)}]");
        }
        int size = OnnxTensor.ElementSize(type);
        if (raw != null && size > 0 && raw.LongLength != (long)count * size)
            throw reader.Error(start, $"{(long)count * size} bytes of raw_data for tensor '{name}' (type {type}, dims [{string.Join(", ", dims)}])", $"{raw.LongLength}");
        return new OnnxTensor { Name = name, Source = source, DataType = type, Dims = [.. dims], Raw = raw, FloatData = [.. floats], Int64Data = [.. longs] };
    }
}

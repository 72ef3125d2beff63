using Google.Protobuf;
using MLNetContextual.Onnx.Proto;

namespace MLNetContextual.Onnx;

/// <summary>
/// An ONNX model held as protobuf messages, for the edits the library makes to graphs: replacing weights with
/// fine-tuned ones, adding nodes (a task head, pooling, quantization) and outputs, and writing the result for ONNX
/// Runtime or for export. Unknown fields (parts of the IR the trimmed schema leaves out) are kept as they are.
/// </summary>
internal sealed class OnnxModel
{
    private Dictionary<string, TensorProto> _initializers;

    public OnnxModel(ModelProto proto)
    {
        Proto = proto ?? throw new ArgumentNullException(nameof(proto));
        if (proto.Graph == null)
            throw new InvalidDataException("The ONNX model has no graph.");
    }

    public ModelProto Proto { get; }

    public GraphProto Graph => Proto.Graph;

    /// <summary>Parses an ONNX model; a file that is not one gets an <see cref="InvalidDataException"/>.</summary>
    public static OnnxModel Parse(ReadOnlySpan<byte> bytes)
    {
        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"Not an ONNX model: {e.Message}", e);
        }
        if (proto.Graph == null || proto.Graph.Node.Count == 0)
            throw new InvalidDataException("Not an ONNX model: it has no graph nodes.");
        return new OnnxModel(proto);
    }

    public static OnnxModel Load(string path) => Parse(File.ReadAllBytes(path));

    public byte[] ToBytes() => Proto.ToByteArray();

    /// <summary>The opset version imported for <paramref name="domain"/> ("" = the default ONNX domain), or 0.</summary>
    public long OpsetVersion(string domain = "") =>
        Proto.OpsetImport.FirstOrDefault(o => (o.Domain ?? "") == domain || (domain == "" && o.Domain == "ai.onnx"))?.Version ?? 0;

    /// <summary>Makes sure <paramref name="domain"/> is imported at least at <paramref name="version"/>.</summary>
    public void RequireOpset(string domain, long version)
    {
        var existing = Proto.OpsetImport.FirstOrDefault(o => (o.Domain ?? "") == domain);
        if (existing == null)
            Proto.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = version });
        else if (existing.Version < version)
            throw new NotSupportedException($"The graph imports opset {existing.Version} of domain '{domain}'; {version} is needed.");
    }

    public IReadOnlyDictionary<string, TensorProto> Initializers =>
        _initializers ??= Graph.Initializer.GroupBy(t => t.Name).ToDictionary(g => g.Key, g => g.First());

    public TensorProto Initializer(string name) =>
        Initializers.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"The graph has no initializer '{name}'.");

    /// <summary>Adds (or replaces) a float initializer.</summary>
    public TensorProto SetInitializer(string name, ReadOnlySpan<float> values, params long[] dims) =>
        SetInitializer(OnnxTensors.FromFloats(name, values, dims));

    public TensorProto SetInitializer(TensorProto tensor)
    {
        for (int i = 0; i < Graph.Initializer.Count; i++)
        {
            if (Graph.Initializer[i].Name == tensor.Name)
            {
                Graph.Initializer[i] = tensor;
                _initializers = null;
                return tensor;
            }
        }
        Graph.Initializer.Add(tensor);
        _initializers = null;
        return tensor;
    }

    public void RemoveInitializer(string name)
    {
        for (int i = Graph.Initializer.Count - 1; i >= 0; i--)
            if (Graph.Initializer[i].Name == name)
                Graph.Initializer.RemoveAt(i);
        _initializers = null;
    }

    public NodeProto AddNode(string opType, IEnumerable<string> inputs, IEnumerable<string> outputs, string name = null, string domain = "", params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = name ?? "", Domain = domain ?? "" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return node;
    }

    /// <summary>A graph output of element type float with the given dims (null = unknown, a string = symbolic).</summary>
    public static ValueInfoProto FloatTensorInfo(string name, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            var dim = new TensorShapeProto.Types.Dimension();
            if (d is string symbol)
                dim.DimParam = symbol;
            else if (d != null)
                dim.DimValue = Convert.ToInt64(d);
            shape.Dim.Add(dim);
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    /// <summary>A source of value names not yet used in the graph: <c>prefix + stem</c>, or with <c>_1</c>, <c>_2</c> …
    /// appended until unique.</summary>
    public Func<string, string> NameMaker(string prefix = "")
    {
        var names = ValueNames();
        return stem =>
        {
            string name = prefix + stem;
            for (int i = 1; !names.Add(name); i++)
                name = $"{prefix}{stem}_{i}";
            return name;
        };
    }

    /// <summary>The names every node, graph input and initializer already gives to a value.</summary>
    public HashSet<string> ValueNames()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in Graph.Node)
            foreach (var o in n.Output)
                names.Add(o);
        foreach (var i in Graph.Input)
            names.Add(i.Name);
        foreach (var t in Graph.Initializer)
            names.Add(t.Name);
        return names;
    }
}

/// <summary>Tensor and attribute construction and reading for <see cref="OnnxModel"/>.</summary>
internal static class OnnxTensors
{
    public static TensorProto FromFloats(string name, ReadOnlySpan<float> values, params long[] dims) =>
        Raw(name, TensorProto.Types.DataType.Float, values, dims);

    public static TensorProto FromInt8(string name, ReadOnlySpan<sbyte> values, params long[] dims) =>
        Raw(name, TensorProto.Types.DataType.Int8, values, dims);

    public static TensorProto FromInt64(string name, ReadOnlySpan<long> values, params long[] dims) =>
        Raw(name, TensorProto.Types.DataType.Int64, values, dims);

    /// <summary>A tensor of <paramref name="type"/> whose raw_data holds <paramref name="values"/> (little-endian, as ONNX stores them).</summary>
    private static TensorProto Raw<T>(string name, TensorProto.Types.DataType type, ReadOnlySpan<T> values, long[] dims) where T : unmanaged
    {
        CheckCount(name, values.Length, dims);
        var t = new TensorProto { Name = name, DataType = (int)type };
        t.Dims.AddRange(dims);
        t.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
        return t;
    }

    /// <summary>The values of a float tensor, from raw_data or float_data; other types or external data are refused.</summary>
    public static float[] ToFloats(TensorProto t)
    {
        if (t.DataType != (int)TensorProto.Types.DataType.Float)
            throw new InvalidDataException($"Tensor '{t.Name}' holds {(TensorProto.Types.DataType)t.DataType}, not FLOAT.");
        if (t.DataLocation == TensorProto.Types.DataLocation.External)
            throw new NotSupportedException($"Tensor '{t.Name}' keeps its data in an external file, which is not supported.");
        long count = ElementCount(t.Dims);
        float[] values;
        if (!t.RawData.IsEmpty)
        {
            if (t.RawData.Length != count * sizeof(float))
                throw new InvalidDataException($"Tensor '{t.Name}' has {t.RawData.Length} bytes of data for {count} floats.");
            values = new float[count];
            t.RawData.Span.CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        }
        else
        {
            if (t.FloatData.Count != count)
                throw new InvalidDataException($"Tensor '{t.Name}' has {t.FloatData.Count} floats for shape [{string.Join(", ", t.Dims)}].");
            values = t.FloatData.ToArray();
        }
        return values;
    }

    public static long ElementCount(IEnumerable<long> dims)
    {
        long n = 1;
        foreach (var d in dims)
            n = checked(n * d);
        return n;
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    private static void CheckCount(string name, int count, long[] dims)
    {
        if (ElementCount(dims) != count)
            throw new ArgumentException($"Tensor '{name}': {count} values do not fill shape [{string.Join(", ", dims)}].");
    }
}

using MLNetContextual.Onnx;
using MLNetContextual.Onnx.Proto;

namespace MLNetContextual;

/// <summary>
/// Appends nodes to an <see cref="OnnxModel"/> with fresh value names under a prefix, and constants as initializers:
/// the few ops the BERT writer and the task heads need, each taking and returning value names. Ops whose signature
/// changed at opset 13 (axes as an input instead of an attribute) are written for the model's opset.
/// </summary>
internal sealed class GraphBuilder
{
    private readonly HashSet<string> _names;
    private readonly string _prefix;
    private int _next;

    public GraphBuilder(OnnxModel model, string prefix)
    {
        Model = model;
        _prefix = prefix;
        _names = model.ValueNames();
        Opset = model.OpsetVersion();
    }

    public OnnxModel Model { get; }

    /// <summary>The default-domain opset the graph imports.</summary>
    public long Opset { get; }

    /// <summary>A value name not used in the graph yet.</summary>
    public string Fresh(string hint)
    {
        string name;
        do
            name = $"{_prefix}{hint}_{_next++}";
        while (!_names.Add(name));
        return name;
    }

    /// <summary>A float initializer under a chosen name (e.g. a state-dict key).</summary>
    public string Weight(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        Model.SetInitializer(name, values, dims);
        _names.Add(name);
        return name;
    }

    public string Float(float value, string hint = "c") => Weight(Fresh(hint), [value]);

    public string Int64s(params long[] values)
    {
        string name = Fresh("i");
        Model.SetInitializer(OnnxTensors.FromInt64(name, values, values.Length));
        return name;
    }

    public string Int64Scalar(long value)
    {
        string name = Fresh("i");
        Model.SetInitializer(OnnxTensors.FromInt64(name, [value]));   // rank 0
        return name;
    }

    public string Op(string opType, string[] inputs, params AttributeProto[] attributes)
    {
        string output = Fresh(opType.ToLowerInvariant());
        Model.AddNode(opType, inputs, [output], output, "", attributes);
        return output;
    }

    public string Unary(string opType, string x) => Op(opType, [x]);
    public string Add(string a, string b) => Op("Add", [a, b]);
    public string Sub(string a, string b) => Op("Sub", [a, b]);
    public string Mul(string a, string b) => Op("Mul", [a, b]);
    public string Div(string a, string b) => Op("Div", [a, b]);
    public string MatMul(string a, string b) => Op("MatMul", [a, b]);

    /// <summary>x · Wᵀ + b for a 2-D x, W kept [out, in] as PyTorch stores it.</summary>
    public string Gemm(string x, string weight, string bias) => Op("Gemm", [x, weight, bias], OnnxTensors.Int("transB", 1));

    public string Cast(string x, TensorProto.Types.DataType to) => Op("Cast", [x], OnnxTensors.Int("to", (long)to));

    public string Gather(string data, string indices, long axis) => Op("Gather", [data, indices], OnnxTensors.Int("axis", axis));

    public string Reshape(string x, params long[] shape) => Op("Reshape", [x, Int64s(shape)]);

    public string Transpose(string x, params long[] perm) => Op("Transpose", [x], OnnxTensors.Ints("perm", perm));

    public string Softmax(string x, long axis) => Op("Softmax", [x], OnnxTensors.Int("axis", axis));

    public string Unsqueeze(string x, params long[] axes) => Opset >= 13
        ? Op("Unsqueeze", [x, Int64s(axes)])
        : Op("Unsqueeze", [x], OnnxTensors.Ints("axes", axes));

    public string ReduceSum(string x, long axis, bool keepDims) => Opset >= 13
        ? Op("ReduceSum", [x, Int64s(axis)], OnnxTensors.Int("keepdims", keepDims ? 1 : 0))
        : Op("ReduceSum", [x], OnnxTensors.Ints("axes", axis), OnnxTensors.Int("keepdims", keepDims ? 1 : 0));

    /// <summary>Gives <paramref name="value"/> the graph-output name <paramref name="name"/> (an Identity node) and declares it.</summary>
    public void Output(string value, string name, params object[] dims)
    {
        if (!_names.Add(name) && value != name)
            throw new InvalidOperationException($"The graph already has a value named '{name}'.");
        Model.AddNode("Identity", [value], [name], name);
        Model.Graph.Output.Add(OnnxModel.FloatTensorInfo(name, dims));
    }
}

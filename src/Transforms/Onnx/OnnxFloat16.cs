using Google.Protobuf;
using MLNetContextual.Onnx.Proto;

namespace MLNetContextual.Onnx;

/// <summary>
/// Converts an ONNX graph's float32 computation to float16 for GPUs, as onnxconverter-common's
/// <c>convert_float_to_float16(keep_io_types=True)</c> does: float initializers, Constant tensors, value types and
/// <c>Cast(to=FLOAT)</c> become float16; float graph inputs are cast to float16 where they enter and float outputs cast
/// back to float32, so callers see the same types. Values beyond float16's range are clamped (±65,504; nonzero
/// magnitudes below 2⁻²⁴ ≈ 6e-8 become ±2⁻²⁴, so LayerNorm's ε = 1e-12 does not vanish, and a −3.4e38 attention-mask fill
/// stays a large negative). LayerNorm and Softmax: no op is kept in float32; ONNX Runtime's CUDA kernels accumulate
/// float16 reductions, Softmax and its fused LayerNormalization in float32, and the graph optimiser fuses the decomposed
/// LayerNorm (ReduceMean, Sub, Pow, Sqrt, Div) whatever the type, which casts around single ops would prevent.
/// </summary>
internal static class OnnxFloat16
{
    private const int Float = (int)TensorProto.Types.DataType.Float, Float16 = (int)TensorProto.Types.DataType.Float16;
    private const float Smallest = 5.9604645e-8f, Largest = 65504f;

    public static byte[] Convert(byte[] model)
    {
        var onnx = OnnxModel.Parse(model);
        Convert(onnx);
        return onnx.ToBytes();
    }

    public static void Convert(OnnxModel model)
    {
        var graph = model.Graph;
        if (graph.Node.Any(n => n.Attribute.Any(a => a.G != null || a.Graphs.Count > 0)))
            throw new NotSupportedException("The ONNX graph has subgraphs (If, Loop, Scan); float16 conversion handles flat graphs only.");

        foreach (var t in graph.Initializer.Where(t => t.DataType == Float).ToList())
            model.SetInitializer(ToFloat16(t));

        foreach (var node in graph.Node)
            foreach (var a in node.Attribute)
            {
                if (a.T != null && a.T.DataType == Float)
                    a.T = ToFloat16(a.T);
                if (node.OpType == "Cast" && a.Name == "to" && a.I == Float)
                    a.I = Float16;
            }
        foreach (var node in graph.Node.Where(n => n.OpType == "Constant"))
        {
            var single = node.Attribute.FirstOrDefault(a => a.Name is "value_float" or "value_floats");
            if (single == null)
                continue;
            float[] values = single.Name == "value_float" ? [single.F] : single.Floats.ToArray();
            var t = ToFloat16(OnnxTensors.FromFloats("", values, single.Name == "value_float" ? [] : [values.Length]));
            node.Attribute.Remove(single);
            node.Attribute.Add(new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = t });
        }
        foreach (var info in graph.ValueInfo)
            if (info.Type?.TensorType?.ElemType == Float)
                info.Type.TensorType.ElemType = Float16;

        var Fresh = model.NameMaker();
        var head = new List<NodeProto>();
        foreach (var input in graph.Input.Where(i => i.Type?.TensorType?.ElemType == Float && !model.Initializers.ContainsKey(i.Name)))
        {
            string half = Fresh(input.Name + "_float16");
            Rename(graph, input.Name, half, inputsOnly: true);
            head.Add(CastNode(input.Name, half, Float16));
        }
        foreach (var output in graph.Output.Where(o => o.Type?.TensorType?.ElemType == Float))
        {
            string half = Fresh(output.Name + "_float16");
            Rename(graph, output.Name, half, inputsOnly: false);
            graph.Node.Add(CastNode(half, output.Name, Float));
        }
        for (int i = head.Count - 1; i >= 0; i--)
            graph.Node.Insert(0, head[i]);
    }

    private static void Rename(GraphProto graph, string from, string to, bool inputsOnly)
    {
        foreach (var n in graph.Node)
        {
            for (int i = 0; i < n.Input.Count; i++)
                if (n.Input[i] == from)
                    n.Input[i] = to;
            if (!inputsOnly)
                for (int i = 0; i < n.Output.Count; i++)
                    if (n.Output[i] == from)
                        n.Output[i] = to;
        }
    }

    private static NodeProto CastNode(string input, string output, int to)
    {
        var node = new NodeProto { OpType = "Cast", Name = output + "/cast" };
        node.Input.Add(input);
        node.Output.Add(output);
        node.Attribute.Add(OnnxTensors.Int("to", to));
        return node;
    }

    internal static TensorProto ToFloat16(TensorProto t)
    {
        var values = OnnxTensors.ToFloats(t);
        var half = new Half[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            if (float.IsFinite(v))
            {
                float m = Math.Abs(v);
                v = m == 0 ? v : MathF.CopySign(Math.Clamp(m, Smallest, Largest), v);
            }
            else if (!float.IsNaN(v))
                v = MathF.CopySign(Largest, v);   // ±∞ (a mask fill) as the largest finite value
            half[i] = (Half)v;
        }
        var result = new TensorProto { Name = t.Name, DataType = Float16, DocString = t.DocString };
        result.Dims.AddRange(t.Dims);
        result.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(half.AsSpan()));
        return result;
    }
}

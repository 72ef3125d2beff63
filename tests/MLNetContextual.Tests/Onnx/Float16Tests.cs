using Microsoft.ML.OnnxRuntime;
using MLNetContextual.Onnx;
using MLNetContextual.Onnx.Proto;

namespace MLNetContextual.Tests.Onnx;

/// <summary>The float16 conversion behind the GPU bench (<see cref="OnnxFloat16"/>). The CPU provider lacks most float16
/// kernels, so on CPU these check the graph (types, casts, clamping) and that ONNX Runtime's type inference accepts it;
/// its numbers are the GPU bench's (bench gpu-throughput).</summary>
public class Float16Tests
{
    [Fact]
    public void ToFloat16_ClampsToTheHalfRange()
    {
        var t = OnnxFloat16.ToFloat16(OnnxTensors.FromFloats("c", [1e-12f, -1e5f, float.NegativeInfinity, 0.5f, 0f], 5));
        Assert.Equal((int)TensorProto.Types.DataType.Float16, t.DataType);
        var half = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(t.RawData.Span).ToArray();
        Assert.Equal([(Half)5.9604645e-8f, (Half)(-65504f), (Half)(-65504f), (Half)0.5f, (Half)0f], half);
    }

    [Fact]
    public void MiniLM_Float16_KeepsFloatOutputs_AndPassesTypeInference()
    {
        var bytes = OnnxFloat16.Convert(BertOnnxEncoder.MiniLM.Model.ReadAll());
        var model = OnnxModel.Parse(bytes);
        Assert.DoesNotContain(model.Graph.Initializer, t => t.DataType == (int)TensorProto.Types.DataType.Float);
        Assert.All(model.Graph.Output, o => Assert.Equal((int)TensorProto.Types.DataType.Float, o.Type.TensorType.ElemType));
        foreach (var output in model.Graph.Output)   // each output is a Cast back to float of a float16 value
            Assert.Contains(model.Graph.Node, n => n.OpType == "Cast" && n.Output[0] == output.Name && n.Attribute[0].I == (int)TensorProto.Types.DataType.Float);
        var outputs = model.Graph.Output.Select(o => o.Name).ToHashSet();   // and no other Cast to float is left (the mask's is float16)
        Assert.All(model.Graph.Node.Where(n => n.OpType == "Cast" && n.Attribute.Any(a => a.Name == "to" && a.I == (int)TensorProto.Types.DataType.Float)),
            n => Assert.Contains(n.Output[0], outputs));

        // On the CPU the session either runs or lacks a float16 kernel; a graph with mismatched types fails before that.
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        try
        {
            using var session = new InferenceSession(bytes, options);
            Assert.Equal(typeof(float), session.OutputMetadata["last_hidden_state"].ElementType);
        }
        catch (OnnxRuntimeException e)
        {
            Assert.Contains("Could not find an implementation", e.Message);
        }
    }
}

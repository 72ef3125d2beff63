using MLNetContextual.Onnx;

namespace MLNetContextual.Tests.Onnx;

/// <summary>The protobuf model of ONNX graphs: a read/write round trip keeps a model intact, weights read back as
/// written, and files that are not ONNX get a clear error.</summary>
public class OnnxModelTests
{
    private static byte[] MiniLMBytes() => BertOnnxEncoder.MiniLM.Model.ReadAll();

    [Fact]
    public void RoundTrip_MiniLM_KeepsEveryField()
    {
        // Field order on the wire and explicitly written defaults may differ from the exporter's; the content may not.
        var bytes = MiniLMBytes();
        var model = OnnxModel.Parse(bytes);
        var written = model.ToBytes();
        Assert.Equal(model.Proto, OnnxModel.Parse(written).Proto);
        Assert.Equal(OnnxHiddenStates.FindNames(bytes), OnnxHiddenStates.FindNames(written));
        Assert.Equal(Run(bytes), Run(written));
    }

    private static float[] Run(byte[] model)
    {
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(model);
        long[] ids = [101, 7592, 2088, 102];
        var inputs = session.InputMetadata.Keys.Select(name => Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor(name,
            new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<long>(name == "input_ids" ? ids : name == "attention_mask" ? [1, 1, 1, 1] : new long[4], [1, 4]))).ToList();
        using var results = session.Run(inputs);
        return results.First().AsEnumerable<float>().ToArray();
    }

    [Fact]
    public void Initializers_ReadAsFloats_MatchTheirShape()
    {
        var model = OnnxModel.Parse(MiniLMBytes());
        var word = model.Initializers.Values.First(t => t.Name.Contains("word_embeddings"));
        var values = OnnxTensors.ToFloats(word);
        Assert.Equal(2, word.Dims.Count);
        Assert.Equal(word.Dims[0] * word.Dims[1], values.Length);
        Assert.Equal(384, word.Dims[1]);
    }

    [Fact]
    public void SetInitializer_ReplacesValues_AndWritesThem()
    {
        var model = OnnxModel.Parse(MiniLMBytes());
        var name = model.Initializers.Keys.First(n => n.EndsWith("LayerNorm.bias", StringComparison.Ordinal));
        var dims = model.Initializer(name).Dims.ToArray();
        var values = Enumerable.Range(0, (int)OnnxTensors.ElementCount(dims)).Select(i => i * 0.5f).ToArray();
        model.SetInitializer(name, values, dims);
        var reread = OnnxModel.Parse(model.ToBytes());
        Assert.Equal(values, OnnxTensors.ToFloats(reread.Initializer(name)));
        Assert.Equal(OnnxModel.Parse(MiniLMBytes()).Graph.Initializer.Count, reread.Graph.Initializer.Count);
    }

    [Fact]
    public void Parse_NotOnnx_Throws_InvalidData()
    {
        Assert.Throws<InvalidDataException>(() => OnnxModel.Parse("this is not a model"u8.ToArray()));
        Assert.Throws<InvalidDataException>(() => OnnxModel.Parse(Array.Empty<byte>()));
    }

    [Fact]
    public void FromFloats_WrongCount_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => OnnxTensors.FromFloats("w", new float[5], 2, 3));
        Assert.Contains("'w'", e.Message);
    }
}

using System.IO.Compression;
using System.Numerics.Tensors;
using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using MLNetContextual.Onnx;
using MLNetContextual.Onnx.Proto;
using static MLNetContextual.Tests.ContextualEmbeddingTests;

namespace MLNetContextual.Tests.Onnx;

/// <summary>Dynamic int8 quantization (<see cref="ContextualEncoder.Quantize"/>, <see cref="OnnxQuantizer"/>): on a tiny
/// hand-built graph (both kernels), and on the embedded MiniLM (accuracy against fp32, the int8 graph, the zip round
/// trip, inner layers) plus what cannot be quantized.</summary>
public class QuantizationTests
{
    // Ordinary sentences (a few, as the mean-pooled MiniLM is used); cosine to fp32 is checked on these.
    private static readonly string[] Sentences =
    [
        "A man is playing a guitar on the stage.",
        "The stock market fell sharply after the announcement.",
        "Two dogs are running through a field of tall grass.",
        "I deposited cash at the bank this morning.",
        "She will not be attending the meeting tomorrow because she is ill.",
    ];

    /// <summary>X [n, 4] · W [4, 3] with W a float initializer; an optional second MatMul of two inputs (not quantizable).</summary>
    internal static OnnxModel TinyMatMul(float[] w)
    {
        var model = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "tiny" } };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        var onnx = new OnnxModel(model);
        model.Graph.Input.Add(OnnxModel.FloatTensorInfo("X", "n", 4));
        model.Graph.Output.Add(OnnxModel.FloatTensorInfo("Y", "n", 3));
        onnx.SetInitializer("W", w, 4, 3);
        onnx.AddNode("MatMul", ["X", "W"], ["Y"], "matmul");
        return onnx;
    }

    private static float[] Run(byte[] model, float[] x, int rows)
    {
        using var session = new InferenceSession(model);
        using var input = OrtValue.CreateTensorValueFromMemory(x, [rows, 4]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["X"], [input], ["Y"]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void TinyGraph_QuantizedMatMul_ClosesToFloat_WithInt8Weights(int kernelIndex)
    {
        var kernel = new[] { OnnxQuantizer.Kernel.PerToken, OnnxQuantizer.Kernel.StandardOps, OnnxQuantizer.Kernel.ContribOps, OnnxQuantizer.Kernel.PerTokenFused }[kernelIndex];
        var w = new float[] { 0.5f, -1f, 0.25f, 2f, 0.1f, -0.3f, -0.7f, 0.9f, 1.5f, 0f, -2f, 0.05f };
        var x = new float[] { 1f, 2f, -1f, 0.5f, -0.25f, 0f, 3f, 1f };
        var fp32 = TinyMatMul(w).ToBytes();
        var quantized = TinyMatMul(w);
        var report = OnnxQuantizer.Quantize(quantized, new OnnxQuantizer.Options(kernel));
        Assert.Equal(1, report.MatMuls);
        Assert.DoesNotContain(quantized.Graph.Initializer, t => t.Name == "W");   // the float weight is gone
        var q = Assert.Single(quantized.Graph.Initializer, t => t.DataType == (int)TensorProto.Types.DataType.Int8 && t.Dims.Count == 2);
        Assert.Equal([4L, 3L], q.Dims);
        Assert.DoesNotContain(quantized.Graph.Node, n => n.OpType == "MatMul");
        Assert.Contains(quantized.Graph.Node, n => n.OpType == kernel switch
        {
            OnnxQuantizer.Kernel.ContribOps => "DynamicQuantizeMatMul",
            OnnxQuantizer.Kernel.PerTokenFused => "MatMulIntegerToFloat",
            _ => "MatMulInteger",
        });

        var expected = Run(fp32, x, 2);
        var actual = Run(quantized.ToBytes(), x, 2);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) < 0.06f, $"Y[{i}]: float {expected[i]}, int8 {actual[i]}");
        Assert.Equal(quantized.ToBytes(), OnnxQuantizer.QuantizeDynamicInt8(fp32, new OnnxQuantizer.Options(kernel)));   // deterministic
    }

    [Fact]
    public void TinyGraph_PerTokenFused_EqualsPerToken_AndRowsDoNotDependOnEachOther()
    {
        var w = new float[] { 0.5f, -1f, 0.25f, 2f, 0.1f, -0.3f, -0.7f, 0.9f, 1.5f, 0f, -2f, 0.05f };
        var x = new float[] { 1f, 2f, -1f, 0.5f, -0.25f, 0f, 3f, 1f };
        byte[] Quantized(OnnxQuantizer.Kernel kernel) => OnnxQuantizer.QuantizeDynamicInt8(TinyMatMul(w).ToBytes(), new OnnxQuantizer.Options(kernel));
        var perToken = Run(Quantized(OnnxQuantizer.Kernel.PerToken), x, 2);
        var fusedModel = Quantized(OnnxQuantizer.Kernel.PerTokenFused);
        var fused = Run(fusedModel, x, 2);
        for (int i = 0; i < perToken.Length; i++)
            Assert.True(Math.Abs(perToken[i] - fused[i]) <= 1e-6f * Math.Max(1f, Math.Abs(perToken[i])), $"Y[{i}]: per token {perToken[i]}, fused {fused[i]}");
        // Each row alone gives what it gives beside the other row: the token scale is the row's own.
        Assert.Equal(fused[..3], Run(fusedModel, x[..4], 1));
        Assert.Equal(fused[3..], Run(fusedModel, x[4..], 1));
    }

    [Fact]
    public void QuantizeColumns_OneScalePerOutputChannel_SevenBit()
    {
        // W [2, 2]: column 0 spans ±4, column 1 ±0.5; each column's largest magnitude maps to 64.
        var (q, scales) = OnnxQuantizer.QuantizeColumns([4f, 0.5f, -2f, -0.25f], rows: 2, cols: 2, qmax: 64);
        Assert.Equal([4f / 64, 0.5f / 64], scales);
        Assert.Equal(new sbyte[] { 64, 64, -32, -32 }, q);
    }

    [Fact]
    public void TinyGraph_WithoutFloatWeights_IsRefused()
    {
        var model = new ModelProto { IrVersion = 8, Graph = new GraphProto() };
        model.OpsetImport.Add(new OperatorSetIdProto { Version = 13 });
        var onnx = new OnnxModel(model);
        model.Graph.Input.Add(OnnxModel.FloatTensorInfo("A", 2, 2));
        model.Graph.Input.Add(OnnxModel.FloatTensorInfo("B", 2, 2));
        model.Graph.Output.Add(OnnxModel.FloatTensorInfo("C", 2, 2));
        onnx.AddNode("MatMul", ["A", "B"], ["C"]);
        var e = Assert.Throws<NotSupportedException>(() => OnnxQuantizer.QuantizeDynamicInt8(onnx.ToBytes()));
        Assert.Contains("no MatMul with a 2-D float weight initializer (1 MatMul node(s), 0 initializer(s))", e.Message);
    }

    [Fact]
    public void MiniLM_Quantized_GraphHoldsInt8Weights_AndIsSmaller()
    {
        var fp32 = BertOnnxEncoder.MiniLM.Model.ReadAll();
        var encoder = ContextualEncoder.MiniLM.Quantize();
        Assert.Equal(EncoderQuantization.DynamicInt8, encoder.Quantization);
        Assert.Same(encoder, ContextualEncoder.MiniLM.Quantize());   // built once per process
        var bytes = encoder.Model.ReadAll();
        Assert.True(bytes.Length < 0.7 * fp32.Length, $"int8 graph {bytes.Length:N0} bytes, fp32 {fp32.Length:N0}");
        var model = OnnxModel.Parse(bytes);
        var int8 = model.Graph.Initializer.Where(t => t.DataType == (int)TensorProto.Types.DataType.Int8 && t.Dims.Count == 2).ToList();
        Assert.Equal(36, int8.Count);   // 6 layers × (query, key, value, attention output, intermediate, output)
        var inits = model.Initializers;
        Assert.DoesNotContain(model.Graph.Node, n => n.OpType == "MatMul" && inits.TryGetValue(n.Input[1], out var w) && w.Dims.Count == 2);
        Assert.Equal(OnnxHiddenStates.FindNames(fp32), OnnxHiddenStates.FindNames(bytes));   // every layer still found
    }

    [Fact]
    public void MiniLM_Quantized_MeanPooledVectors_CloseToFp32()
    {
        var fp32 = Embed(new ContextualEmbeddingOptions { CacheSizeMB = 0 });
        var int8 = Embed(new ContextualEmbeddingOptions { Encoder = ContextualEncoder.MiniLM.Quantize(), CacheSizeMB = 0 });
        for (int i = 0; i < Sentences.Length; i++)
        {
            float cos = TensorPrimitives.CosineSimilarity(fp32[i], int8[i]);
            Assert.True(cos >= 0.99f, $"'{Sentences[i]}': cosine int8 vs fp32 {cos}");
            Assert.True(cos < 0.999999f, $"'{Sentences[i]}': int8 gives the fp32 vector ({cos}); was it quantized?");
        }
    }

    [Fact]
    public void MiniLM_Quantized_InnerLayers_CloseToFp32()
    {
        var layers = LayerSelection.Of([0, 3, -1]);
        var fp32 = Embed(new ContextualEmbeddingOptions { Layers = layers, CacheSizeMB = 0 });
        var int8 = Embed(new ContextualEmbeddingOptions { Encoder = ContextualEncoder.MiniLM.Quantize(), Layers = layers, CacheSizeMB = 0 });
        for (int i = 0; i < Sentences.Length; i++)
            Assert.True(TensorPrimitives.CosineSimilarity(fp32[i], int8[i]) >= 0.99f, $"'{Sentences[i]}'");
    }

    private static float[][] Embed(ContextualEmbeddingOptions options)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Sentences.Select(s => new TextRow { Text = s }).ToArray());
        using var model = (ContextualEmbeddingTransformer)ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text", options).Fit(data);
        return ml.Data.CreateEnumerable<FeaturesRow>(model.Transform(data), reuseRowObject: false).Select(r => r.Features).ToArray();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MiniLM_Quantized_FitTransformSaveLoad(bool selfContained)
    {
        var ml = new MLContext(seed: 1);
        var estimator = ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text",
            new ContextualEmbeddingOptions { Encoder = ContextualEncoder.MiniLM.Quantize(), BatchSize = 2, SelfContainedZip = selfContained });
        // Activations have a scale per token, so one row alone (PredictionEngine) gives what it gives in a batch.
        var (model, path) = EstimatorChecks.RoundTrip<TextRow, FeaturesRow>(estimator, Rows, ml: ml);
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var blob = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("Encoder.model.onnx", StringComparison.Ordinal));
            if (selfContained)
            {
                Assert.NotNull(blob);   // the int8 graph itself
                Assert.InRange(blob.Length, 1, (long)(0.7 * BertOnnxEncoder.MiniLM.Model.ReadAll().Length));
            }
            else
                Assert.True(blob == null && new FileInfo(path).Length < 100_000, $"zip {new FileInfo(path).Length:N0} bytes");
            var loaded = (ContextualEmbeddingTransformer)new MLContext().Model.Load(path, out _);
            var encoder = Assert.IsType<BertOnnxEncoder>(loaded.Encoder);
            Assert.Equal(EncoderQuantization.DynamicInt8, encoder.Quantization);
            if (!selfContained)
                Assert.Same(ContextualEncoder.MiniLM.Quantize(), encoder);
            loaded.Dispose();
        }
        finally
        {
            ((IDisposable)model).Dispose();
            File.Delete(path);
        }
    }

    [Fact]
    public void Quantize_NotOnnx_Or_AlreadyQuantized_IsRefused()
    {
        var histogram = new Seam.CharacterHistogramEncoder("abc");
        var e = Assert.Throws<NotSupportedException>(() => histogram.Quantize());
        Assert.Contains($"Encoder 'histogram of 'abc'' ({Seam.CharacterHistogramEncoder.KindId}) cannot be quantized", e.Message);
        var twice = Assert.Throws<InvalidOperationException>(() => ContextualEncoder.MiniLM.Quantize().Quantize());
        Assert.Contains("already quantized (DynamicInt8)", twice.Message);
    }

    [Fact]
    public void Quantize_OnnxFileWithoutFloatWeights_NamesTheFile()
    {
        using var folder = new TempFolder();
        var model = new ModelProto { IrVersion = 8, Graph = new GraphProto() };
        model.OpsetImport.Add(new OperatorSetIdProto { Version = 13 });
        var onnx = new OnnxModel(model);
        model.Graph.Input.Add(OnnxModel.FloatTensorInfo("A", 2, 2));
        model.Graph.Output.Add(OnnxModel.FloatTensorInfo("C", 2, 2));
        onnx.AddNode("Relu", ["A"], ["C"]);
        string path = Path.Combine(folder.Path, "model.onnx");
        File.WriteAllBytes(path, onnx.ToBytes());
        File.WriteAllText(Path.Combine(folder.Path, "vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\na\n");
        var e = Assert.Throws<NotSupportedException>(() => ContextualEncoder.FromOnnx(path).Quantize());
        Assert.Contains("model.onnx", e.Message);
        Assert.Contains("nothing to quantize", e.Message);
    }
}

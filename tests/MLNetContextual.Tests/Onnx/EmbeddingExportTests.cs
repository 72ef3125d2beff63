using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using MLNetContextual.Onnx;
using static MLNetContextual.Tests.ContextualEmbeddingTests;

namespace MLNetContextual.Tests.Onnx;

/// <summary><see cref="ContextualEmbeddingExport.ExportToOnnx(ContextualEmbeddingTransformer, Stream)"/>: the exported graph,
/// run by a fresh ONNX Runtime session on padded batches of token ids, gives the transform's vectors (≤ 1e-4); what
/// cannot be exported is refused by name.</summary>
public class EmbeddingExportTests
{
    private static readonly string[] Texts =
    [
        "The movie was wonderful.",
        "",
        null,
        "We sat on the bank of the river and watched the boats go by for a while.",
        "I deposited cash at the bank.",
    ];

    public static TheoryData<ContextualPooling, bool, int> Cases => new()
    {
        { ContextualPooling.Mean, true, 0 },    // last layer, normalised (the sentence-transformers recipe)
        { ContextualPooling.Cls, false, 1 },    // layers 2 and the last, mixed with weights and γ
        { ContextualPooling.Max, true, 2 },     // every layer averaged
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Exported_Graph_GivesTheTransformsVectors(ContextualPooling pooling, bool normalize, int layerCase)
    {
        var layers = layerCase switch
        {
            0 => LayerSelection.Last,
            1 => LayerSelection.Of([2, -1], [0.3f, -0.2f], gamma: 1.5f),
            _ => LayerSelection.All(),
        };
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Texts.Select(t => new TextRow { Text = t }).ToArray());
        using var model = (ContextualEmbeddingTransformer)ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text",
            new ContextualEmbeddingOptions { Pooling = pooling, Normalize = normalize, Layers = layers, MaxTokens = 128 }).Fit(data);
        var expected = ml.Data.CreateEnumerable<FeaturesRow>(model.Transform(data), reuseRowObject: false).Select(r => r.Features).ToArray();

        using var stream = new MemoryStream();
        model.ExportToOnnx(stream);
        var actual = RunExported(stream.ToArray(), Texts, 128);
        for (int i = 0; i < Texts.Length; i++)
            for (int k = 0; k < 384; k++)
                Assert.True(Math.Abs(expected[i][k] - actual[i][k]) <= 1e-4f, $"text {i} [{k}]: transform {expected[i][k]}, exported {actual[i][k]}");
    }

    /// <summary>All texts in one padded batch, through a fresh session (nothing of ours but the tokenizer).</summary>
    internal static float[][] RunExported(byte[] exported, string[] texts, int maxTokens)
    {
        var encoded = texts.Select(t => BertTextTokenizer.MiniLM.Encode(t ?? "", maxTokens)).ToArray();
        int width = encoded.Max(e => e.Length), rows = texts.Length;
        var ids = new long[rows * width];
        var mask = new long[rows * width];
        var types = new long[rows * width];
        for (int r = 0; r < rows; r++)
            for (int t = 0; t < encoded[r].Length; t++)
            {
                ids[r * width + t] = encoded[r].Ids[t];
                types[r * width + t] = encoded[r].TypeIds[t];
                mask[r * width + t] = 1;
            }
        using var session = new InferenceSession(exported);
        Assert.Equal(new[] { "attention_mask", "input_ids", "token_type_ids" }, session.InputMetadata.Keys.Order());
        Assert.Equal([EmbeddingGraph.OutputName], session.OutputMetadata.Keys);
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, [rows, width]);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [rows, width]);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(types, [rows, width]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["input_ids", "attention_mask", "token_type_ids"], [idsValue, maskValue, typesValue], [EmbeddingGraph.OutputName]);
        var shape = outputs[0].GetTensorTypeAndShape().Shape;
        Assert.Equal([rows, 384L], shape);
        var flat = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        return Enumerable.Range(0, rows).Select(r => flat.AsSpan(r * 384, 384).ToArray()).ToArray();
    }

    [Fact]
    public void Exported_QuantizedGraph_GivesTheTransformsVectors()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Texts.Select(t => new TextRow { Text = t }).ToArray());
        using var model = (ContextualEmbeddingTransformer)ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text",
            new ContextualEmbeddingOptions { Encoder = ContextualEncoder.MiniLM.Quantize(), MaxTokens = 128 }).Fit(data);
        var expected = ml.Data.CreateEnumerable<FeaturesRow>(model.Transform(data), reuseRowObject: false).Select(r => r.Features).ToArray();
        using var stream = new MemoryStream();
        model.ExportToOnnx(stream);
        var exported = stream.ToArray();
        Assert.True(exported.Length < 0.7 * BertOnnxEncoder.MiniLM.Model.ReadAll().Length);   // int8 weights exported as they are
        var actual = RunExported(exported, Texts, 128);
        // Batches differ (one here, length groups there); with a scale per token that does not matter.
        for (int i = 0; i < Texts.Length; i++)
            for (int k = 0; k < 384; k++)
                Assert.True(Math.Abs(expected[i][k] - actual[i][k]) <= 1e-4f, $"text {i} [{k}]: transform {expected[i][k]}, exported {actual[i][k]}");
    }

    [Fact]
    public void Export_WindowedText_Or_NotOnnxEncoder_IsRefused()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Texts.Select(t => new TextRow { Text = t }).ToArray());
        using var windows = (ContextualEmbeddingTransformer)ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text",
            new ContextualEmbeddingOptions { LongText = LongTextHandling.Windows, MaxTokens = 32, WindowOverlap = 8 }).Fit(data);
        var e = Assert.Throws<NotSupportedException>(() => windows.ExportToOnnx(new MemoryStream()));
        Assert.StartsWith("LongText Windows cannot be exported to ONNX", e.Message);

        using var histogram = (ContextualEmbeddingTransformer)ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text",
            new ContextualEmbeddingOptions { Encoder = new Seam.CharacterHistogramEncoder("abc") }).Fit(data);
        e = Assert.Throws<NotSupportedException>(() => histogram.ExportToOnnx(new MemoryStream()));
        Assert.Equal($"Encoder 'histogram of 'abc'' ({Seam.CharacterHistogramEncoder.KindId}) cannot be exported to ONNX: only encoders run by ONNX Runtime can (ContextualEncoder.MiniLM, ContextualEncoder.FromOnnx).", e.Message);
    }
}

using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetContextual.Tests.FineTuning;

namespace MLNetContextual.Tests.Seam;

/// <summary>The two BERT implementations of the seam agree: the embedded MiniLM on ONNX Runtime and imported into
/// TorchSharp, pooled and layer by layer (ONNX's inner layers come from graph outputs added to the model).</summary>
[Collection(TorchTrainingCollection.Name)]
public class BertPathsParityTests
{
    public sealed class TokensRow
    {
        public float[] Features { get; set; }
    }

    private static List<float[]> Pooled(ContextualEncoder encoder, LayerSelection layers = null)
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(ContextualEmbeddingTests.Rows);
        var options = new ContextualEmbeddingOptions { Encoder = encoder, MaxTokens = 32, Layers = layers ?? LayerSelection.Last, IntraOpThreads = 1 };
        using var model = ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text", options).Fit(data);
        return ml.Data.CreateEnumerable<ContextualEmbeddingTests.FeaturesRow>(model.Transform(data), false).Select(r => r.Features).ToList();
    }

    private static void Close(List<float[]> a, List<float[]> b, float tolerance)
    {
        Assert.Equal(a.Count, b.Count);
        for (int r = 0; r < a.Count; r++)
            for (int k = 0; k < a[r].Length; k++)
                Assert.True(Math.Abs(a[r][k] - b[r][k]) <= tolerance, $"row {r}, component {k}: {a[r][k]} vs {b[r][k]}");
    }

    [Fact]
    public void MeanPooled_TorchSharpMiniLM_EqualsOnnxRuntime_Within1e4()
    {
        Close(Pooled(ContextualEncoder.MiniLM), Pooled(BertCheckpoint.MiniLM), 1e-4f);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(6)]
    public void EveryLayer_OnnxGraphOutputs_EqualTorchSharpHiddenStates(int layer)
    {
        var onnx = Pooled(ContextualEncoder.MiniLM, LayerSelection.Of([layer]));
        Close(onnx, Pooled(BertCheckpoint.MiniLM, LayerSelection.Of([layer])), 1e-4f);
        if (layer == 6)
            Close(onnx, Pooled(ContextualEncoder.MiniLM), 1e-5f);   // the last layer is last_hidden_state
    }

    [Fact]
    public void ScalarMix_IsGammaTimesSoftmaxWeightedSumOfLayers()
    {
        float[] w = [0.5f, -1f, 2f];
        var mixed = Pooled(ContextualEncoder.MiniLM, LayerSelection.Of([0, 3, -1], w, gamma: 0.7f));
        var layers = new[] { 0, 3, 6 }.Select(l => Pooled(ContextualEncoder.MiniLM, LayerSelection.Of([l]))).ToList();
        var e = w.Select(x => Math.Exp(x)).ToArray();
        var c = e.Select(x => 0.7 * x / e.Sum()).ToArray();
        var expected = layers[0].Select((_, r) => layers[0][r].Select((_, k) => (float)(c[0] * layers[0][r][k] + c[1] * layers[1][r][k] + c[2] * layers[2][r][k])).ToArray()).ToList();
        Close(mixed, expected, 1e-5f);
    }

    [Fact]
    public void LayerOutOfRange_IsClearError_NamingEncoderAndRange()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(ContextualEmbeddingTests.Rows);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Text.ApplyContextualEmbedding("F", "Text",
            new ContextualEmbeddingOptions { Layers = LayerSelection.Of([9]) }).Fit(data));
        Assert.Contains("Layer 9 is out of range: encoder 'all-MiniLM-L6-v2' has 7 layer(s) (valid: 0 to 6, or −1 to −7).", e.Message);
    }
}

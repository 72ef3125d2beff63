using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual.Tests;

public class ContextualEmbeddingTests
{
    public sealed class TextRow
    {
        public string Text { get; set; }
    }

    public sealed class FeaturesRow
    {
        [VectorType(384)]
        public float[] Features { get; set; }
    }

    internal static readonly TextRow[] Rows =
    [
        new() { Text = "The movie was wonderful." },
        new() { Text = "I deposited cash at the bank." },
        new() { Text = "" },
        new() { Text = null },
        new() { Text = "We sat on the bank of the river and watched the boats go by for a while." },
    ];

    private sealed class NumberRow
    {
        public float Text { get; set; }
    }

    [Fact]
    public void MeanPooling_FitTransformSaveLoad()
    {
        var ml = new MLContext(seed: 1);
        var invalid = ml.Data.LoadFromEnumerable(new[] { new NumberRow { Text = 1 } });
        var estimator = ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text", new ContextualEmbeddingOptions { BatchSize = 2 });
        var (model, path) = EstimatorChecks.RoundTrip<TextRow, FeaturesRow>(estimator, Rows, invalid, ml: ml);
        File.Delete(path);
    }
}

public class FreshProcessTests
{
    [Fact]
    public void SavedPipeline_LoadsInAFreshProcess_WithIdenticalOutputs()
    {
        var ml = new MLContext(seed: 1);
        var texts = new[] { "The river bank was muddy.", "", "An account at the bank." };
        var data = ml.Data.LoadFromEnumerable(texts.Select(t => new ContextualEmbeddingTests.TextRow { Text = t }));
        var model = ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text", new ContextualEmbeddingOptions { Normalize = true })
            .Append(ml.Transforms.NormalizeMinMax("Scaled", "Features"))
            .Fit(data);
        using var dir = new TempFolder();
        ml.Model.Save(model, data.Schema, dir.File("model.zip"));

        var expected = ml.Data.CreateEnumerable<ScaledRow>(model.Transform(data), false).Select(r => r.Scaled).ToArray();
        var actual = FreshProcess.Transform(dir.File("model.zip"), texts, "Scaled");
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], actual[i]);
    }

    private sealed class ScaledRow
    {
        public float[] Scaled { get; set; }
    }
}

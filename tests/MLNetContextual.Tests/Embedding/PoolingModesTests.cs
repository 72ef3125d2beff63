using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual.Tests;

public class PoolingModesTests
{
    public sealed class FeaturesRow
    {
        [VectorType(384)]
        public float[] Features { get; set; }
    }

    public sealed class TokenVectorsRow
    {
        public float[] Features { get; set; }
        public string[] FeaturesTokens { get; set; }
    }

    [Theory]
    [InlineData(ContextualPooling.Cls, false)]
    [InlineData(ContextualPooling.Max, true)]
    public void Pooled_FitTransformSaveLoad(ContextualPooling pooling, bool normalize)
    {
        var ml = new MLContext(seed: 1);
        var options = new ContextualEmbeddingOptions { Pooling = pooling, Normalize = normalize, MaxTokens = 16, BatchSize = 3 };
        var (model, path) = EstimatorChecks.RoundTrip<ContextualEmbeddingTests.TextRow, FeaturesRow>(
            ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text", options), ContextualEmbeddingTests.Rows, ml: ml);
        File.Delete(path);
        if (normalize)
            foreach (var row in ml.Data.CreateEnumerable<FeaturesRow>(model.Transform(ml.Data.LoadFromEnumerable(ContextualEmbeddingTests.Rows)), false))
                Assert.Equal(1.0, Math.Sqrt(row.Features.Sum(x => (double)x * x)), 4);
    }

    [Fact]
    public void TokenLevel_FlattensTokensTimesDimension()
    {
        var ml = new MLContext(seed: 1);
        var options = new ContextualTokenEmbeddingOptions { IncludeSpecialTokens = true, MaxTokens = 8 };
        var (model, path) = EstimatorChecks.RoundTrip<ContextualEmbeddingTests.TextRow, TokenVectorsRow>(
            ml.Transforms.Text.ApplyContextualTokenEmbedding("Features", "Text", options), ContextualEmbeddingTests.Rows, ml: ml);
        File.Delete(path);

        var rows = ml.Data.CreateEnumerable<TokenVectorsRow>(model.Transform(ml.Data.LoadFromEnumerable(ContextualEmbeddingTests.Rows)), false).ToList();
        Assert.Equal(["[CLS]", "the", "movie", "was", "wonderful", ".", "[SEP]"], rows[0].FeaturesTokens);
        Assert.Equal(7 * 384, rows[0].Features.Length);
        Assert.Equal(["[CLS]", "[SEP]"], rows[2].FeaturesTokens);                 // empty text
        Assert.Equal(["[CLS]", "[SEP]"], rows[3].FeaturesTokens);                 // null text: same as empty
        Assert.Equal(rows[2].Features, rows[3].Features);
        Assert.Equal(8, rows[4].FeaturesTokens.Length);                           // truncated at MaxTokens
        Assert.Equal("[SEP]", rows[4].FeaturesTokens[^1]);
    }

    [Fact]
    public void MeanPooling_MatchesAverageOfTokenVectors()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(ContextualEmbeddingTests.Rows);
        var tokens = ml.Transforms.Text.ApplyContextualTokenEmbedding("Features", "Text",
            new ContextualTokenEmbeddingOptions { IncludeSpecialTokens = true }).Fit(data).Transform(data);
        var mean = ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text").Fit(data).Transform(data);
        var t = ml.Data.CreateEnumerable<TokenVectorsRow>(tokens, false).ToList();
        var m = ml.Data.CreateEnumerable<FeaturesRow>(mean, false).ToList();
        for (int r = 0; r < t.Count; r++)
        {
            int n = t[r].FeaturesTokens.Length;
            for (int k = 0; k < 384; k++)
            {
                float avg = 0;
                for (int i = 0; i < n; i++)
                    avg += t[r].Features[i * 384 + k];
                Assert.Equal(avg / n, m[r].Features[k], 4);
            }
        }
    }
}

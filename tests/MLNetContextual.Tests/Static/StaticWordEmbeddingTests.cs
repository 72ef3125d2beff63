using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual.Tests;

public class StaticWordEmbeddingTests
{
    public sealed class TokensRow
    {
        public string[] Tokens { get; set; }
    }

    public sealed class TextRow
    {
        public string Tokens { get; set; }
    }

    public sealed class FeaturesRow
    {
        public float[] Features { get; set; }
    }

    private static readonly TokensRow[] Rows =
    [
        new() { Tokens = ["a", "b"] },
        new() { Tokens = ["b", "unknown", "c"] },
        new() { Tokens = ["nothing", "known"] },
        new() { Tokens = [] },
    ];

    private static StaticEmbeddings Table() => new(["a", "b", "c"], [1, 2, -1, 4, 0, 0], 2);

    private static List<float[]> Run(StaticEmbeddingPooling pooling)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows);
        var model = ml.Transforms.Text.ApplyStaticWordEmbedding("Features", "Tokens", Table(),
            new StaticWordEmbeddingOptions { Pooling = pooling }).Fit(data);
        return ml.Data.CreateEnumerable<FeaturesRow>(model.Transform(data), false).Select(r => r.Features).ToList();
    }

    [Fact]
    public void Mean_SkipsUnknownTokens_ZeroWhenNoneKnown()
    {
        var v = Run(StaticEmbeddingPooling.Mean);
        Assert.Equal(new[] { 0f, 3f }, v[0]);            // (1,2) and (-1,4)
        Assert.Equal(new[] { -0.5f, 2f }, v[1]);         // (-1,4) and (0,0); "unknown" skipped
        Assert.Equal(new[] { 0f, 0f }, v[2]);
        Assert.Equal(new[] { 0f, 0f }, v[3]);
    }

    [Fact]
    public void MinMeanMax_IsMinThenMeanThenMax()
    {
        var v = Run(StaticEmbeddingPooling.MinMeanMax);
        Assert.Equal(new[] { -1f, 2f, 0f, 3f, 1f, 4f }, v[0]);
        Assert.Equal(new float[6], v[2]);
    }

    [Fact]
    public void None_GivesOneVectorPerToken_ZerosForUnknown()
    {
        var v = Run(StaticEmbeddingPooling.None);
        Assert.Equal(new[] { 1f, 2f, -1f, 4f }, v[0]);
        Assert.Equal(new[] { -1f, 4f, 0f, 0f, 0f, 0f }, v[1]);
        Assert.True(v[3] is null or { Length: 0 });   // no tokens: an empty vector (ML.NET hands it back as null)
    }

    [Fact]
    public void LoadedVectors_SaveInsideTheZip_WorkWithoutTheFile()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("glove.txt"), "a 1 2\nb -1 4\nc 0 0\n");
        var embeddings = StaticEmbeddings.Load(dir.File("glove.txt"));
        File.Delete(dir.File("glove.txt"));

        var ml = new MLContext(seed: 1);
        var invalid = ml.Data.LoadFromEnumerable(new[] { new TextRow { Tokens = "a b" } });
        var (model, zip) = EstimatorChecks.RoundTrip<TokensRow, FeaturesRow>(
            ml.Transforms.Text.ApplyStaticWordEmbedding("Features", "Tokens", embeddings), Rows, invalid, ml: ml);
        try
        {
            var loaded = (StaticWordEmbeddingTransformer)new MLContext().Model.Load(zip, out _);
            Assert.Equal(embeddings.Words, loaded.Embeddings.Words);
            Assert.Equal(StaticEmbeddingsFormat.GloVeText, loaded.Embeddings.SourceFormat);
        }
        finally
        {
            File.Delete(zip);
        }
    }

    [Fact]
    public void TextColumnInsteadOfTokens_ErrorNamesColumnExpectedAndFound()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(new[] { new TextRow { Tokens = "a b" } });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.Transforms.Text.ApplyStaticWordEmbedding("Features", "Tokens", Table()).Fit(data));
        Assert.Contains("'Tokens'", e.Message);
        Assert.Contains("expected Vector<String>, got String", e.Message);
    }
}

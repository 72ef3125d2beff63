using Microsoft.ML;

namespace MLNetContextual.Tests;

/// <summary>
/// word2vec/GloVe moved from MLNetContextual.Estimators to MLNetContextual.WordEmbeddings (issue 7, item 5). The fixtures
/// were saved by main at 9d24f88, before the move (6 rows × 20, Dimension 4, MinCount 1, Epochs 2, one thread).
/// </summary>
public class WordEmbeddingsPackagingTests
{
    public class Row { public string Text { get; set; } }
    public class Out { public float[] Features { get; set; } }

    [Theory]
    [InlineData("word2vec-premove.zip", new[] { 0.6084253f, 0.5227499f, -0.9855283f, -0.1840405f })]
    [InlineData("glove-premove.zip", new[] { -0.090651415f, -0.037094653f, -0.10990747f, 0.041394014f })]
    public void ZipSavedBeforeTheMove_LoadsAndPredictsAsBefore(string file, float[] expected)
    {
        var ml = new MLContext();
        var model = ml.Model.Load(Path.Combine(AppContext.BaseDirectory, "Static", "Fixtures", file), out _);
        var engine = ml.Model.CreatePredictionEngine<Row, Out>(model);
        Assert.Equal(expected, engine.Predict(new Row { Text = "the cat drives" }).Features);
    }

    [Fact]
    public void Learners_LiveInTheirOwnAssembly_WithoutTorchSharp()
    {
        var assembly = typeof(Word2VecEstimator).Assembly;
        Assert.Equal("MLNetContextual.WordEmbeddings", assembly.GetName().Name);
        Assert.Same(assembly, typeof(GloVeEstimator).Assembly);
        Assert.DoesNotContain(assembly.GetReferencedAssemblies(), a => a.Name.StartsWith("TorchSharp", StringComparison.Ordinal));
        Assert.Equal("MLNetContextual", typeof(StaticWordEmbeddingTransformer).Assembly.GetName().Name);
    }
}

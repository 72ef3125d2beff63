using Microsoft.ML;

namespace MLNetContextual.Tests;

/// <summary>Text → TokenizeIntoWords → static vectors, saved, then loaded and run in another process (no vector file, no corpus).</summary>
public class StaticFreshProcessTests
{
    private sealed class TextRow
    {
        public string Text { get; set; }
    }

    private sealed class FeaturesRow
    {
        public float[] Features { get; set; }
    }

    private static readonly string[] Texts = ["the cat eats grass", "", "unknownword", "the bus drives on the road"];

    private static void AssertSameInFreshProcess(MLContext ml, IEstimator<ITransformer> vectors)
    {
        var corpus = WordEmbeddingLearnerTests.Corpus(150).Select(r => new TextRow { Text = string.Join(' ', r.Tokens) }).ToArray();
        var model = ml.Transforms.Text.TokenizeIntoWords("Tokens", "Text").Append(vectors).Fit(ml.Data.LoadFromEnumerable(corpus));
        using var dir = new TempFolder();
        var data = ml.Data.LoadFromEnumerable(Texts.Select(t => new TextRow { Text = t }));
        ml.Model.Save(model, data.Schema, dir.File("model.zip"));

        var expected = ml.Data.CreateEnumerable<FeaturesRow>(model.Transform(data), false).Select(r => r.Features).ToArray();
        var actual = FreshProcess.Transform(dir.File("model.zip"), Texts, "Features");
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], actual[i]);
        Assert.All(expected[2], x => Assert.Equal(0f, x));   // no known token: zero vector
    }

    [Fact]
    public void LearnWord2Vec_LoadsInAFreshProcess_WithIdenticalOutputs()
    {
        var ml = new MLContext(seed: 1);
        AssertSameInFreshProcess(ml, ml.Transforms.Text.LearnWord2Vec("Features", "Tokens",
            new Word2VecOptions { Dimension = 8, MinCount = 2, Epochs = 2, NumberOfThreads = 1 }));
    }

    [Fact]
    public void LearnGloVe_LoadsInAFreshProcess_WithIdenticalOutputs()
    {
        var ml = new MLContext(seed: 1);
        AssertSameInFreshProcess(ml, ml.Transforms.Text.LearnGloVe("Features", "Tokens",
            new GloVeOptions { Dimension = 8, MinCount = 2, Epochs = 2, NumberOfThreads = 1 }));
    }

    [Fact]
    public void LoadedVectors_LoadInAFreshProcess_WithoutTheVectorFile()
    {
        using var files = new TempFolder();
        new StaticEmbeddings(["the", "cat", "bus"], [1, 0, 0, 1, 0.5f, -0.5f], 2).SaveWord2VecBinary(files.File("v.bin"));
        var embeddings = StaticEmbeddings.Load(files.File("v.bin"));
        File.Delete(files.File("v.bin"));
        var ml = new MLContext(seed: 1);
        AssertSameInFreshProcess(ml, ml.Transforms.Text.ApplyStaticWordEmbedding("Features", "Tokens", embeddings,
            new StaticWordEmbeddingOptions { Pooling = StaticEmbeddingPooling.MinMeanMax }));
    }
}

using Microsoft.ML;

namespace MLNetContextual.Tests;

public class WordEmbeddingLearnerTests
{
    private static readonly string[] Animals = ["cat", "dog", "horse", "cow"];
    private static readonly string[] Vehicles = ["car", "bus", "truck", "train"];
    private static readonly string[] AnimalContext = ["eats", "grass", "barks", "sleeps", "fur", "farm", "feeds"];
    private static readonly string[] VehicleContext = ["drives", "road", "engine", "fuel", "wheels", "garage", "parks"];

    private static string Filler(Random rng) => "w" + rng.Next(30);

    /// <summary>Rows "the filler X c c c filler filler X": animals and vehicles share the filler words but no context word.</summary>
    internal static StaticWordEmbeddingTests.TokensRow[] Corpus(int rows, int seed = 7)
    {
        var rng = new Random(seed);
        var result = new StaticWordEmbeddingTests.TokensRow[rows];
        for (int r = 0; r < rows; r++)
        {
            bool animal = rng.Next(2) == 0;
            var subjects = animal ? Animals : Vehicles;
            var context = animal ? AnimalContext : VehicleContext;
            var tokens = new List<string> { "the", Filler(rng), subjects[rng.Next(subjects.Length)] };
            for (int i = 0; i < 3; i++) tokens.Add(context[rng.Next(context.Length)]);
            tokens.Add(Filler(rng));
            tokens.Add(Filler(rng));
            tokens.Add(subjects[rng.Next(subjects.Length)]);
            result[r] = new StaticWordEmbeddingTests.TokensRow { Tokens = tokens.ToArray() };
        }
        return result;
    }

    private static void AssertGroupsSeparate(StaticEmbeddings e, string what, double margin = 0.2)
    {
        double within = 0, across = 0;
        int nw = 0, na = 0;
        foreach (var a in Animals)
        {
            foreach (var b in Animals) if (a != b) { within += e.Similarity(a, b); nw++; }
            foreach (var v in Vehicles) { across += e.Similarity(a, v); na++; }
        }
        within /= nw;
        across /= na;
        Assert.True(within > across + margin, $"{what}: mean cos within animals {within:F3} should exceed animal–vehicle {across:F3}");
        Assert.True(e.Similarity("cat", "dog") > e.Similarity("cat", "car"), $"{what}: cat should be closer to dog than to car");
    }

    private static Word2VecOptions SmallWord2Vec(Word2VecModel model) => new()
    {
        Model = model, Dimension = 16, Window = 3, Negative = 5, MinCount = 2, Sample = 0, Epochs = 10, NumberOfThreads = 1,
    };

    [Theory]
    [InlineData(Word2VecModel.SkipGram)]
    [InlineData(Word2VecModel.Cbow)]
    public void Word2Vec_SimilarContextsEndUpCloser(Word2VecModel model)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Corpus(600));
        var e = ml.Transforms.Text.LearnWord2Vec("Features", "Tokens", SmallWord2Vec(model)).Fit(data).Embeddings;
        Assert.Equal("the", e.Words[0]);   // most frequent first
        AssertGroupsSeparate(e, model.ToString());
    }

    [Fact]
    public void Word2Vec_OneThread_IsDeterministic()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Corpus(200));
        var options = SmallWord2Vec(Word2VecModel.SkipGram);
        options.Sample = 1e-2;   // exercise subsampling too
        var a = ml.Transforms.Text.LearnWord2Vec("Features", "Tokens", options).Fit(data).Embeddings;
        var b = ml.Transforms.Text.LearnWord2Vec("Features", "Tokens", options).Fit(data).Embeddings;
        foreach (var w in a.Words) Assert.Equal(a.GetVector(w).ToArray(), b.GetVector(w).ToArray());
    }

    [Fact]
    public void Word2Vec_TwoThreads_Trains()
    {
        var ml = new MLContext(seed: 1);
        var options = SmallWord2Vec(Word2VecModel.SkipGram);
        options.NumberOfThreads = 2;
        var e = ml.Transforms.Text.LearnWord2Vec("Features", "Tokens", options).Fit(ml.Data.LoadFromEnumerable(Corpus(600))).Embeddings;
        AssertGroupsSeparate(e, "2 threads");
    }

    [Fact]
    public void GloVe_SimilarContextsEndUpCloser()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Corpus(600));
        var e = ml.Transforms.Text.LearnGloVe("Features", "Tokens",
            new GloVeOptions { Dimension = 16, Window = 5, XMax = 10, Epochs = 50, MinCount = 2, NumberOfThreads = 1 }).Fit(data).Embeddings;
        // The reference glove on such a corpus separates the groups by about 0.1 in mean cosine (and cat–dog 0.43 vs cat–car −0.58).
        AssertGroupsSeparate(e, "GloVe", margin: 0.05);
    }

    [Fact]
    public void Word2Vec_FitSaveLoad_IdenticalOutputs()
    {
        var ml = new MLContext(seed: 1);
        var rows = Corpus(100);
        var invalid = ml.Data.LoadFromEnumerable(new[] { new StaticWordEmbeddingTests.TextRow { Tokens = "the cat" } });
        var options = SmallWord2Vec(Word2VecModel.Cbow);
        options.Epochs = 2;
        options.Pooling = StaticEmbeddingPooling.MinMeanMax;
        var (model, zip) = EstimatorChecks.RoundTrip<StaticWordEmbeddingTests.TokensRow, StaticWordEmbeddingTests.FeaturesRow>(
            ml.Transforms.Text.LearnWord2Vec("Features", "Tokens", options), rows, invalid, ml: ml);
        File.Delete(zip);
        Assert.Equal(48, ((StaticWordEmbeddingTransformer)model).OutputSize);
    }

    [Fact]
    public void GloVe_FitSaveLoad_IdenticalOutputs()
    {
        var ml = new MLContext(seed: 1);
        var invalid = ml.Data.LoadFromEnumerable(new[] { new StaticWordEmbeddingTests.TextRow { Tokens = "the cat" } });
        var (_, zip) = EstimatorChecks.RoundTrip<StaticWordEmbeddingTests.TokensRow, StaticWordEmbeddingTests.FeaturesRow>(
            ml.Transforms.Text.LearnGloVe("Features", "Tokens", new GloVeOptions { Dimension = 8, Epochs = 3, MinCount = 2, NumberOfThreads = 1 }),
            Corpus(100), invalid, ml: ml);
        File.Delete(zip);
    }

    [Fact]
    public void LearnedVectors_ExportAndReload()
    {
        using var dir = new TempFolder();
        var ml = new MLContext(seed: 1);
        var options = SmallWord2Vec(Word2VecModel.SkipGram);
        options.Epochs = 1;
        var e = ml.Transforms.Text.LearnWord2Vec("Features", "Tokens", options).Fit(ml.Data.LoadFromEnumerable(Corpus(50))).Embeddings;
        e.SaveWord2VecBinary(dir.File("w.bin"));
        var back = StaticEmbeddings.Load(dir.File("w.bin"));
        Assert.Equal(e.Words, back.Words);
        Assert.Equal(e.GetVector("cat").ToArray(), back.GetVector("cat").ToArray());
    }

    [Fact]
    public void VocabularyEmptyAfterMinCount_IsAClearErrorAtFit()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(Corpus(5));
        var w2v = Assert.Throws<InvalidOperationException>(() =>
            ml.Transforms.Text.LearnWord2Vec("Features", "Tokens", new Word2VecOptions { MinCount = 1000, NumberOfThreads = 1 }).Fit(data));
        Assert.Contains("MinCount = 1000", w2v.Message);
        Assert.Contains("'Tokens'", w2v.Message);
        var glove = Assert.Throws<InvalidOperationException>(() =>
            ml.Transforms.Text.LearnGloVe("Features", "Tokens", new GloVeOptions { MinCount = 1000 }).Fit(data));
        Assert.Contains("vocabulary is empty", glove.Message);
    }

    [Fact]
    public void TextColumnInsteadOfTokens_ErrorAtFitNamesColumnExpectedAndFound()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(new[] { new StaticWordEmbeddingTests.TextRow { Tokens = "the cat" } });
        foreach (var estimator in new IEstimator<ITransformer>[]
                 {
                     ml.Transforms.Text.LearnWord2Vec("Features", "Tokens"),
                     ml.Transforms.Text.LearnGloVe("Features", "Tokens"),
                 })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(data));
            Assert.Contains("Schema mismatch for input column 'Tokens': expected Vector<String>, got String", e.Message);
            Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Text.LearnWord2Vec("Features", "Missing").Fit(data));
        }
    }

    [Fact]
    public void BadOptions_NameTheOption()
    {
        var ml = new MLContext();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Text.LearnWord2Vec("F", "T", new Word2VecOptions { Window = 0 }));
        Assert.Contains("Window", e.Message);
    }
}

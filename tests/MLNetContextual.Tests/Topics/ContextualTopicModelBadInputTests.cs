using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetContextual.Tests.FineTuning;

namespace MLNetContextual.Tests.Topics;

/// <summary>Bad input fails at GetOutputSchema and Fit before training, naming the column or option, what was expected and found.</summary>
[Collection(TorchTrainingCollection.Name)]
public class ContextualTopicModelBadInputTests
{
    private static readonly MLContext Ml = new(seed: 1);

    private sealed class VariableRow
    {
        public string Text { get; set; }
        public float[] Embedding { get; set; }
    }

    private sealed class DoubleRow
    {
        public string Text { get; set; }
        [VectorType(8)] public double[] Embedding { get; set; }
    }

    private sealed class ShortRow
    {
        public string Text { get; set; }
        [VectorType(5)] public float[] Embedding { get; set; }
    }

    private static ContextualTopicModelEstimator Estimator(Action<ContextualTopicModelOptions> change = null)
    {
        var o = ToyTopicCorpus.Options(ContextualTopicModelVariant.Combined);
        o.MaxEpochs = 2;
        change?.Invoke(o);
        return Ml.Transforms.Text.LearnContextualTopics(o);
    }

    // GetOutputSchema sees a SchemaShape (a variable vector reads "VarVector<Single>", sizes are not known), Fit the schema.
    private static void FailsAtSchemaAndFit(IDataView data, string expected, string found = "")
    {
        var estimator = Estimator();
        var e1 = Assert.ThrowsAny<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(SchemaShapes.From(data.Schema)));
        Assert.Contains(expected, e1.Message);
        Assert.Contains(found, e1.Message);
        var e2 = Assert.ThrowsAny<ArgumentOutOfRangeException>(() => estimator.Fit(data));
        Assert.Contains(expected, e2.Message);
        Assert.Contains(found, e2.Message);
    }

    private const string ExpectedEmbedding =
        "Schema mismatch for input column 'Embedding': expected a known-size Vector<Single> (e.g. from ApplyContextualEmbedding), got ";

    [Fact]
    public void EmbeddingOfVaryingDimension()
    {
        var data = Ml.Data.LoadFromEnumerable(new[] { new VariableRow { Text = "apple", Embedding = [1, 2] } });
        FailsAtSchemaAndFit(data, ExpectedEmbedding, "Vector<Single>.");
    }

    [Fact]
    public void EmbeddingOfWrongItemType()
    {
        var data = Ml.Data.LoadFromEnumerable(new[] { new DoubleRow { Text = "apple", Embedding = new double[8] } });
        FailsAtSchemaAndFit(data, ExpectedEmbedding, "got Vector<Double");
    }

    [Fact]
    public void MissingTextColumn()
    {
        var data = Ml.Data.LoadFromEnumerable(new[] { new { Body = "apple", Embedding = new float[8] } });
        FailsAtSchemaAndFit(data, "Could not find input column 'Text'");
    }

    [Fact]
    public void FittedModelRejectsEmbeddingOfOtherDimension()
    {
        var model = Estimator().Fit(Ml.Data.LoadFromEnumerable(ToyTopicCorpus.Create(64)));
        var data = Ml.Data.LoadFromEnumerable(new[] { new ShortRow { Text = "apple", Embedding = new float[5] } });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.GetOutputSchema(data.Schema));
        Assert.Contains("Schema mismatch for input column 'Embedding': expected Vector<Single, 8>, got Vector<Single, 5>", e.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    public void FewerThanTwoTopics(int k)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Estimator(o => o.NumberOfTopics = k));
        Assert.Equal("NumberOfTopics", e.ParamName);
        Assert.Contains($"NumberOfTopics is {k}; a topic model needs at least 2 topics.", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Ml.Transforms.Text.LearnContextualTopics("Topics", "Text", "Embedding", numberOfTopics: k));
    }

    [Fact]
    public void VocabularyEmptiedByStopWords()
    {
        var rows = ToyTopicCorpus.Create(40).Select(r => new ToyTopicCorpus.Row { Text = "the and of 42 ! a", Embedding = r.Embedding }).ToList();
        var e = Assert.Throws<InvalidOperationException>(() => Estimator().Fit(Ml.Data.LoadFromEnumerable(rows)));
        Assert.Equal("The vocabulary is empty: no word of the 40 documents in column 'Text' is left after StopWords (179 words), " +
                     "RemoveNumbers = True and the minimum word length of 2.", e.Message);
    }

    [Fact]
    public void VocabularyEmptiedByDocumentFrequency()
    {
        var rows = ToyTopicCorpus.Create(40);
        var e = Assert.Throws<InvalidOperationException>(() =>
            Estimator(o => { o.MinimumDocumentFrequency = 1000; }).Fit(Ml.Data.LoadFromEnumerable(rows)));
        Assert.StartsWith("The vocabulary is empty: all 36 distinct words left after StopWords (179 words), RemoveNumbers = True and the minimum word length of 2 were dropped by " +
                          "MinimumDocumentFrequency = 1000 and MaximumDocumentFraction = 1", e.Message);
    }

    [Fact]
    public void DocumentsEmptyAfterPreprocessing_LeftOutOfTrainingButStillGetProportions()
    {
        var rows = ToyTopicCorpus.Create(96);
        rows[5].Text = "the of and";
        rows[9].Text = "";
        rows[11].Text = null;
        foreach (var variant in new[] { ContextualTopicModelVariant.Combined, ContextualTopicModelVariant.ZeroShot })
        {
            var model = Estimator(o => o.Variant = variant).Fit(Ml.Data.LoadFromEnumerable(rows));
            Assert.Equal(96, model.TrainingSummary.Documents);
            Assert.Equal(3, model.TrainingSummary.EmptyDocuments);
            Assert.Equal(93, model.TrainingSummary.TrainingDocuments);
            var outputs = Ml.Data.CreateEnumerable<ToyTopicCorpus.Output>(model.Transform(Ml.Data.LoadFromEnumerable(rows)), false).ToList();
            foreach (int i in new[] { 5, 9, 11 })
            {
                Assert.All(outputs[i].Topics, p => Assert.True(p > 0 && p < 1));
                Assert.InRange(outputs[i].Topics.Sum(), 0.999f, 1.001f);
            }
        }
    }

    [Fact]
    public void Cancellation_ThrowsAndReturnsNothing()
    {
        using var cancel = new CancellationTokenSource();
        int epochs = 0;
        var estimator = Estimator(o =>
        {
            o.MaxEpochs = 50;
            o.CancellationToken = cancel.Token;
            o.Progress = new ContextualTopicModelTests.SynchronousProgress(_ => { if (++epochs == 2) cancel.Cancel(); });
        });
        ContextualTopicModelTransformer model = null;
        Assert.ThrowsAny<OperationCanceledException>(() => model = estimator.Fit(Ml.Data.LoadFromEnumerable(ToyTopicCorpus.Create(64))));
        Assert.Null(model);
        Assert.Equal(2, epochs);

        using var before = new CancellationTokenSource();
        before.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            Estimator(o => o.CancellationToken = before.Token).Fit(Ml.Data.LoadFromEnumerable(ToyTopicCorpus.Create(64))));
    }

    [Fact]
    public void ThreadCountRestoredAfterFit()
    {
        MLNetContextual.Torch.TorchRuntime.EnsureLoaded();
        int before = TorchSharp.torch.get_num_threads();
        Estimator(o => o.NumberOfThreads = before == 1 ? 2 : 1).Fit(Ml.Data.LoadFromEnumerable(ToyTopicCorpus.Create(64)));
        Assert.Equal(before, TorchSharp.torch.get_num_threads());
    }
}

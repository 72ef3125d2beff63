using Microsoft.ML;
using MLNetContextual.Tests.FineTuning;

namespace MLNetContextual.Tests.Topics;

[Collection(TorchTrainingCollection.Name)]
public class ContextualTopicModelTests
{
    private sealed class VariableEmbeddingRow
    {
        public string Text { get; set; }
        public float[] Embedding { get; set; }
    }

    [Theory]
    [InlineData(ContextualTopicModelVariant.Combined)]
    [InlineData(ContextualTopicModelVariant.ZeroShot)]
    public void FitTransformSaveLoad_RecoversPlantedTopics(ContextualTopicModelVariant variant)
    {
        var rows = ToyTopicCorpus.Create(320);
        var ml = new MLContext(seed: 1);
        var invalid = ml.Data.LoadFromEnumerable(rows.Take(4).Select(r => new VariableEmbeddingRow { Text = r.Text, Embedding = r.Embedding }));
        var estimator = ml.Transforms.Text.LearnContextualTopics(ToyTopicCorpus.Options(variant));

        var (model, zip) = EstimatorChecks.RoundTrip<ToyTopicCorpus.Row, ToyTopicCorpus.Output>(estimator, rows, invalid, predictionTolerance: 0f, ml: ml);
        File.Delete(zip);
        var ctm = Assert.IsType<ContextualTopicModelTransformer>(model);

        Assert.Equal(variant, ctm.Variant);
        Assert.DoesNotContain("the", ctm.Vocabulary);                       // default stop words
        Assert.Equal(32 + 4, ctm.Vocabulary.Count);                         // planted words + filler
        var summary = ctm.TrainingSummary;
        Assert.Equal(320, summary.TrainingDocuments);
        Assert.Equal(60, summary.EpochsRun);
        Assert.True(summary.Losses[^1] < summary.Losses[0], $"loss {summary.Losses[0]} -> {summary.Losses[^1]}");

        // Each learned topic's top 5 words come mostly from one planted group, and all four groups are found.
        var top = ctm.GetTopWords(5);
        Assert.Equal(4, top.Count);
        var found = new HashSet<int>();
        foreach (var topic in top)
        {
            Assert.True(topic.Zip(topic.Skip(1)).All(p => p.First.Weight >= p.Second.Weight));
            var groups = topic.Select(w => Array.FindIndex(ToyTopicCorpus.Topics, g => g.Contains(w.Word))).ToList();
            int majority = groups.Where(g => g >= 0).GroupBy(g => g).OrderByDescending(g => g.Count()).First().Key;
            Assert.True(groups.Count(g => g == majority) >= 4, $"topic {string.Join(' ', topic.Select(w => w.Word))}");
            found.Add(majority);
        }
        Assert.Equal(4, found.Count);

        // Proportions sum to 1, and a document's main topic is the one of its planted group.
        var outputs = ml.Data.CreateEnumerable<ToyTopicCorpus.Output>(model.Transform(ml.Data.LoadFromEnumerable(rows)), false).ToList();
        Assert.All(outputs, o => Assert.InRange(o.Topics.Sum(), 0.999f, 1.001f));
        var topicOfGroup = rows.Zip(outputs).GroupBy(p => p.First.Topic)
            .ToDictionary(g => g.Key, g => g.GroupBy(p => ArgMax(p.Second.Topics)).OrderByDescending(x => x.Count()).First().Key);
        double agreement = rows.Zip(outputs).Count(p => ArgMax(p.Second.Topics) == topicOfGroup[p.First.Topic]) / (double)rows.Count;
        Assert.True(agreement > 0.9, $"agreement {agreement}");
        Assert.Equal(4, topicOfGroup.Values.Distinct().Count());
    }

    [Fact]
    public void SameSeedSameModel_PosteriorMeanWithoutSamples()
    {
        var rows = ToyTopicCorpus.Create(128);
        var ml = new MLContext();
        var options = ToyTopicCorpus.Options(ContextualTopicModelVariant.ZeroShot);
        options.MaxEpochs = 5;
        options.InferenceSamples = 0;
        var a = ml.Transforms.Text.LearnContextualTopics(options).Fit(ml.Data.LoadFromEnumerable(rows));
        var b = ml.Transforms.Text.LearnContextualTopics(options).Fit(ml.Data.LoadFromEnumerable(rows));
        Assert.Equal(a.GetTopWords(8), b.GetTopWords(8));
        Assert.Equal(a.Infer(rows[0].Text, rows[0].Embedding), b.Infer(rows[0].Text, rows[0].Embedding));
        // 0 samples: softmax(μ), which differs from the sampled average but is a distribution too.
        Assert.InRange(a.Infer(rows[0].Text, rows[0].Embedding).Sum(), 0.999f, 1.001f);
    }

    [Fact]
    public void ValidationSplit_StopsEarlyAndKeepsBestEpoch()
    {
        var rows = ToyTopicCorpus.Create(200);
        var ml = new MLContext();
        var options = ToyTopicCorpus.Options(ContextualTopicModelVariant.Combined);
        options.MaxEpochs = 400;
        options.ValidationFraction = 0.2;
        options.EarlyStoppingPatience = 3;
        var reports = new List<ContextualTopicModelProgress>();
        options.Progress = new SynchronousProgress(reports.Add);
        var model = ml.Transforms.Text.LearnContextualTopics(options).Fit(ml.Data.LoadFromEnumerable(rows));
        var s = model.TrainingSummary;
        Assert.Equal(40, s.ValidationDocuments);
        Assert.Equal(160, s.TrainingDocuments);
        Assert.True(s.EpochsRun < 400, $"ran {s.EpochsRun} epochs");
        Assert.Equal(s.EpochsRun, s.KeptEpoch + 3);
        Assert.Equal(s.ValidationLosses.Min(), s.ValidationLosses[s.KeptEpoch - 1]);
        Assert.Equal(s.EpochsRun, reports.Count);
        Assert.All(reports, r => Assert.NotNull(r.ValidationLoss));
    }

    private static int ArgMax(float[] v) => Array.IndexOf(v, v.Max());

    internal sealed class SynchronousProgress(Action<ContextualTopicModelProgress> report) : IProgress<ContextualTopicModelProgress>
    {
        public void Report(ContextualTopicModelProgress value) => report(value);
    }
}

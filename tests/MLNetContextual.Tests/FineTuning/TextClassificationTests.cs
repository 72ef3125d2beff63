using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual.Tests.FineTuning;

[Collection(TorchTrainingCollection.Name)]
public class TextClassificationTests
{
    internal static readonly BertCheckpoint Tiny = TinyBert.For(ToyData.AllText());

    internal static ContextualTextClassificationOptions Options(int epochs = 20) => new()
    {
        Encoder = Tiny, BatchSize = 8, MaxEpochs = epochs, LearningRate = 2e-3, WarmupRatio = 0.1, MaxTokens = 16,
        NumberOfThreads = 1, HeadDropout = 0.0, ValidationFraction = 0,
    };

    public sealed class BinaryOutput
    {
        public float Score { get; set; }
        public float Probability { get; set; }
        public bool PredictedLabel { get; set; }
    }

    public sealed class MulticlassOutput
    {
        [VectorType(3)]
        public float[] Score { get; set; }
        public uint PredictedLabel { get; set; }
    }

    [Fact]
    public void Binary_TinyModelLearnsToySentiment_AndEvaluateWorks()
    {
        var ml = new MLContext(seed: 1);
        var rows = ToyData.Sentiment();
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.BinaryClassification.Trainers.ContextualTextClassification(Options()).Fit(data);
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(data));
        Assert.True(metrics.Accuracy >= 0.95, $"accuracy {metrics.Accuracy}");
        Assert.NotNull(model.TrainingSummary);
        Assert.Equal(20, model.TrainingSummary.EpochsRun);
        model.Dispose();
    }

    [Fact]
    public void Binary_FitSaveLoad_SamePredictions()
    {
        var ml = new MLContext(seed: 1);
        var trainer = ml.BinaryClassification.Trainers.ContextualTextClassification(Options(epochs: 1));
        var (model, path) = EstimatorChecks.RoundTrip<ToyData.SentimentRow, BinaryOutput>(trainer, ToyData.Sentiment(), ml: ml);
        File.Delete(path);
        ((IDisposable)model).Dispose();
    }

    [Fact]
    public void Multiclass_KeyLabel_LearnsAndRoundTrips_WithKeyValues()
    {
        var ml = new MLContext(seed: 1);
        var rows = ToyData.Topic();
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.ContextualTextClassification(Options()));
        var (model, path) = EstimatorChecks.RoundTrip<ToyData.TopicRow, MulticlassOutput>(pipeline, rows, ml: ml);
        try
        {
            var data = ml.Data.LoadFromEnumerable(rows);
            var scored = model.Transform(data);
            var metrics = ml.MulticlassClassification.Evaluate(scored);
            Assert.True(metrics.MacroAccuracy >= 0.9, $"macro accuracy {metrics.MacroAccuracy}");

            // PredictedLabel carries the label's key values: MapKeyToValue gives the topic names back.
            var named = ml.Transforms.Conversion.MapKeyToValue("Topic", "PredictedLabel").Fit(scored).Transform(scored);
            var topics = named.GetColumn<string>("Topic").ToList();
            Assert.True(topics.Zip(rows).Count(p => p.First == p.Second.Label) >= 0.9 * rows.Count);
            VBuffer<ReadOnlyMemory<char>> slots = default;
            scored.Schema["Score"].GetSlotNames(ref slots);
            Assert.Equal(["sport", "food", "weather"], slots.DenseValues().Select(s => s.ToString()));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void SameSeed_SameModel_OnCpu()
    {
        float[] Scores(int seed)
        {
            var ml = new MLContext(seed: seed);
            var data = ml.Data.LoadFromEnumerable(ToyData.Sentiment());
            using var model = ml.BinaryClassification.Trainers.ContextualTextClassification(Options(epochs: 2)).Fit(data);
            return model.Transform(data).GetColumn<float>("Score").ToArray();
        }
        var first = Scores(3);
        Assert.Equal(first, Scores(3));
        Assert.NotEqual(first, Scores(4));
    }

    [Fact]
    public void ValidationSet_EarlyStopping_KeepsBestEpoch_AndReportsProgress()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(ToyData.Sentiment());
        var reports = new List<FineTuningProgress>();
        var log = new List<string>();
        ml.Log += (_, e) => { if (e.Source.Contains("ContextualTextClassification")) lock (log) log.Add(e.Message); };
        var options = Options(epochs: 8);
        options.ValidationSet = data;
        options.EarlyStoppingPatience = 1;
        options.Progress = new SyncProgress(reports.Add);
        using var model = ml.BinaryClassification.Trainers.ContextualTextClassification(options).Fit(data);

        var summary = model.TrainingSummary;
        Assert.Equal(summary.EpochsRun, summary.ValidationMetrics.Count);
        int best = summary.ValidationMetrics.ToList().IndexOf(summary.ValidationMetrics.Max()) + 1;
        Assert.Equal(best, summary.KeptEpoch);
        Assert.Equal(summary.ValidationMetrics.Max(), summary.BestValidationMetric);
        Assert.True(summary.EpochsRun < 8 || summary.ValidationMetrics.Distinct().Count() == 8);
        // The kept weights are the best epoch's: their accuracy is the best validation accuracy.
        var accuracy = ml.BinaryClassification.Evaluate(model.Transform(data)).Accuracy;
        Assert.Equal(summary.BestValidationMetric.Value, accuracy, 6);

        Assert.Contains(reports, r => r.ValidationMetric != null);
        Assert.Contains(reports, r => r.ValidationMetric == null && r.ExamplesPerSecond > 0 && !double.IsNaN(r.Loss));
        Assert.Contains(log, m => m.Contains("examples/s"));
    }

    /// <summary>IProgress that reports on the calling thread (Progress&lt;T&gt; posts to the thread pool).</summary>
    internal sealed class SyncProgress(Action<FineTuningProgress> report) : IProgress<FineTuningProgress>
    {
        public void Report(FineTuningProgress value) => report(value);
    }

    [Fact]
    public void SentencePairs_UseSecondColumn()
    {
        var ml = new MLContext(seed: 1);
        var rows = ToyData.Sentiment().Select(r => new PairRow { Sentence1 = "review", Sentence2 = r.Sentence1, Label = r.Label }).ToList();
        var options = Options();
        options.Sentence2ColumnName = "Sentence2";
        using var model = ml.BinaryClassification.Trainers.ContextualTextClassification(options).Fit(ml.Data.LoadFromEnumerable(rows));
        var accuracy = ml.BinaryClassification.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(rows))).Accuracy;
        Assert.True(accuracy >= 0.95, $"accuracy {accuracy}");
    }

    public sealed class PairRow
    {
        public string Sentence1 { get; set; }
        public string Sentence2 { get; set; }
        public bool Label { get; set; }
    }
}

[Collection(TorchTrainingCollection.Name)]
public class FineTunedFreshProcessTests
{
    [Fact]
    public void FineTunedClassifier_LoadsInAFreshProcess_WithIdenticalScores()
    {
        var ml = new MLContext(seed: 1);
        var rows = ToyData.Topic().Select(r => new TextTopicRow { Text = r.Sentence1, Label = r.Label }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        var options = TextClassificationTests.Options(epochs: 2);
        options.Sentence1ColumnName = "Text";
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
        using var model = ml.MulticlassClassification.Trainers.ContextualTextClassification(options).Fit(keyed);
        using var dir = new TempFolder();
        ml.Model.Save(model, keyed.Schema, dir.File("model.zip"));   // the classifier alone: it needs only "Text"

        var texts = rows.Select(r => r.Text).Take(6).Append("").ToArray();
        var expected = model.Transform(ml.Data.LoadFromEnumerable(texts.Select(t => new ContextualEmbeddingTests.TextRow { Text = t })))
            .GetColumn<float[]>("Score").ToArray();
        var actual = FreshProcess.Transform(dir.File("model.zip"), texts, "Score");
        // Same weights, same ids; this process trained with 1 TorchSharp thread (a process-wide setting) and the fresh one
        // runs with its default, so sums may be reduced in another order: equal to the last bits, not bit for bit.
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            EstimatorChecks.AssertSame(new ScoreRow { Score = expected[i] }, new ScoreRow { Score = actual[i] }, 1e-6f, $"row {i} in a fresh process");
    }

    private sealed class ScoreRow
    {
        public float[] Score { get; set; }
    }

    public sealed class TextTopicRow
    {
        public string Text { get; set; }
        public string Label { get; set; }
    }
}

[Collection(TorchTrainingCollection.Name)]
public class CheckpointSourceTests
{
    [Fact]
    public void HuggingFaceFolder_IsAFineTuningStart()
    {
        using var dir = new TempFolder();
        var vocabulary = TinyBert.Vocabulary(ToyData.AllText());
        var config = TinyBert.Config(vocabulary.Count);
        using (var bert = new BertModel(config))
            BertWeights.SaveHuggingFace(bert, dir.Path);
        File.WriteAllLines(dir.File("vocab.txt"), vocabulary);
        File.WriteAllText(dir.File("tokenizer_config.json"), """{"do_lower_case": true}""");

        var checkpoint = BertCheckpoint.FromHuggingFace(dir.Path);
        Assert.True(checkpoint.LowerCase);
        var ml = new MLContext(seed: 1);
        var options = TextClassificationTests.Options(epochs: 20);
        options.Encoder = checkpoint;
        var data = ml.Data.LoadFromEnumerable(ToyData.Sentiment());
        using var model = ml.BinaryClassification.Trainers.ContextualTextClassification(options).Fit(data);
        Assert.True(ml.BinaryClassification.Evaluate(model.Transform(data)).Accuracy >= 0.95);
    }

    [Fact]
    public void HuggingFaceFolder_WithoutVocabulary_SaysSo()
    {
        using var dir = new TempFolder();
        var e = Assert.Throws<FileNotFoundException>(() => BertCheckpoint.FromHuggingFace(dir.Path));
        Assert.Contains("No vocab.txt", e.Message);
    }
}

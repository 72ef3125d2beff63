using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual.Tests.FineTuning;

/// <summary>Without a ValidationSet the trainers hold back ValidationFraction of the rows and keep the best epoch.</summary>
[Collection(TorchTrainingCollection.Name)]
public class ValidationCarvingTests
{
    [Fact]
    public void Classification_NoValidationSet_HoldsBackRows_KeepsBestEpoch_ReportsEachEpoch()
    {
        var ml = new MLContext(seed: 1);
        var rows = ToyData.Sentiment();   // 60 rows
        var reports = new List<FineTuningProgress>();
        var log = new List<string>();
        ml.Log += (_, e) => { if (e.Source.Contains("ContextualTextClassification")) lock (log) log.Add(e.Message); };
        var options = TextClassificationTests.Options(epochs: 4);
        options.ValidationFraction = 0.25;
        options.EarlyStoppingPatience = 4;   // run all epochs: each must report its validation accuracy
        options.Progress = new TextClassificationTests.SyncProgress(reports.Add);
        using var model = ml.BinaryClassification.Trainers.ContextualTextClassification(options).Fit(ml.Data.LoadFromEnumerable(rows));

        var summary = model.TrainingSummary;
        Assert.Equal(4, summary.EpochsRun);
        Assert.Equal(4, summary.ValidationMetrics.Count);
        Assert.Equal([1, 2, 3, 4], reports.Where(r => r.ValidationMetric != null).Select(r => r.Epoch));
        Assert.Equal(summary.ValidationMetrics, reports.Where(r => r.ValidationMetric != null).Select(r => r.ValidationMetric.Value));
        int best = summary.ValidationMetrics.ToList().IndexOf(summary.ValidationMetrics.Max()) + 1;
        Assert.Equal(best, summary.KeptEpoch);
        // 15 of 60 rows held back: 45 train, in batches of 8 → 6 steps an epoch; accuracies are multiples of 1/15.
        Assert.Equal(4 * 6, summary.Steps);
        Assert.Equal(4 * 45, summary.Examples);
        Assert.All(summary.ValidationMetrics, v => Assert.Equal(0, Math.Round(v * 15, 6) % 1));
        Assert.Contains(log, m => m.Contains("holding back 15 of 60 training rows"));
    }

    [Fact]
    public void Classification_FractionZero_OrOneEpoch_TrainsOnAllRows()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(ToyData.Sentiment());
        var off = TextClassificationTests.Options(epochs: 2);
        using (var model = ml.BinaryClassification.Trainers.ContextualTextClassification(off).Fit(data))
        {
            Assert.Empty(model.TrainingSummary.ValidationMetrics);
            Assert.Equal(2 * 60, model.TrainingSummary.Examples);
            Assert.Equal(2, model.TrainingSummary.KeptEpoch);
        }
        var single = TextClassificationTests.Options(epochs: 1);
        single.ValidationFraction = 0.1;   // one epoch: nothing to choose, so nothing is held back
        using (var model = ml.BinaryClassification.Trainers.ContextualTextClassification(single).Fit(data))
        {
            Assert.Empty(model.TrainingSummary.ValidationMetrics);
            Assert.Equal(60, model.TrainingSummary.Examples);
        }
    }

    [Fact]
    public void Classification_SameSeed_SameHeldBackRows()
    {
        double[] Metrics(int seed)
        {
            var ml = new MLContext(seed: seed);
            var options = TextClassificationTests.Options(epochs: 2);
            options.ValidationFraction = 0.2;
            options.EarlyStoppingPatience = 2;
            using var model = ml.MulticlassClassification.Trainers.ContextualTextClassification(options)
                .Fit(ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromEnumerable(ToyData.Topic()))
                    .Transform(ml.Data.LoadFromEnumerable(ToyData.Topic())));
            return [.. model.TrainingSummary.ValidationMetrics];
        }
        Assert.Equal(Metrics(3), Metrics(3));
    }

    [Fact]
    public void QuestionAnswer_NoValidationSet_HoldsBackQuestions_AndReportsF1PerEpoch()
    {
        var ml = new MLContext(seed: 1);
        var log = new List<string>();
        ml.Log += (_, e) => { if (e.Source.Contains("ContextualQuestionAnswer")) lock (log) log.Add(e.Message); };
        var options = QuestionAnswerTests.Options(epochs: 3);
        options.ValidationFraction = 0.25;
        options.EarlyStoppingPatience = 3;
        var reports = new List<FineTuningProgress>();
        options.Progress = new TextClassificationTests.SyncProgress(reports.Add);
        using var model = ml.MulticlassClassification.Trainers.ContextualQuestionAnswer(options).Fit(ml.Data.LoadFromEnumerable(ToyData.Qa(32)));

        var summary = model.TrainingSummary;
        Assert.Equal(3, summary.ValidationMetrics.Count);
        Assert.All(summary.ValidationMetrics, f1 => Assert.InRange(f1, 0, 100));
        Assert.Equal(3, reports.Count(r => r.ValidationMetric != null));
        Assert.Equal(summary.ValidationMetrics.ToList().IndexOf(summary.ValidationMetrics.Max()) + 1, summary.KeptEpoch);
        Assert.Contains(log, m => m.Contains("holding back 8 of 32 training rows"));
        // The held-back questions' windows are not trained on: fewer windows an epoch than with all 32 questions.
        using var all = ml.MulticlassClassification.Trainers.ContextualQuestionAnswer(QuestionAnswerTests.Options(epochs: 1))
            .Fit(ml.Data.LoadFromEnumerable(ToyData.Qa(32)));
        Assert.InRange(summary.Examples / 3, 24, all.TrainingSummary.Examples - 8);
    }

    [Fact]
    public void ValidationFraction_OutOfRange_NamesTheOption()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.BinaryClassification.Trainers.ContextualTextClassification(new ContextualTextClassificationOptions { ValidationFraction = 1 }));
        Assert.Equal("ValidationFraction", e.ParamName);
        Assert.Contains("ValidationFraction is 1; it must be in [0, 1)", e.Message);
        var d = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.MulticlassClassification.Trainers.ContextualQuestionAnswer(new ContextualQuestionAnswerOptions { LayerwiseLearningRateDecay = 0 }));
        Assert.Equal("LayerwiseLearningRateDecay", d.ParamName);
    }

    [Fact]
    public void LayerScales_DecayFromHeadToEmbeddings()
    {
        string[] names = ["bert.embeddings.word_embeddings.weight", "bert.encoder.layer.0.attention.self.query.weight",
            "bert.encoder.layer.1.output.dense.bias", "bert.pooler.dense.weight", "classifier.weight"];
        Assert.Equal([0.125, 0.25, 0.5, 1.0, 1.0], FineTuningLoop.LayerScales(names, 0.5));
        Assert.All(FineTuningLoop.LayerScales(names, 1.0), s => Assert.Equal(1.0, s));
    }

    [Fact]
    public void ReinitializePooler_ChangesTheStartingModel_LayerwiseDecayTrains()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(ToyData.Sentiment());
        float[] Scores(bool reinit, double decay)
        {
            var options = TextClassificationTests.Options(epochs: 1);
            options.ReinitializePooler = reinit;
            options.LayerwiseLearningRateDecay = decay;
            using var model = ml.BinaryClassification.Trainers.ContextualTextClassification(options).Fit(data);
            return model.Transform(data).GetColumn<float>("Score").ToArray();
        }
        var plain = Scores(false, 1.0);
        Assert.NotEqual(plain, Scores(true, 1.0));
        var decayed = Scores(false, 0.5);
        Assert.NotEqual(plain, decayed);
        Assert.All(decayed, s => Assert.True(float.IsFinite(s)));
    }

    [Fact]
    public void LinearProbeEpochs_TrainTheHeadBeforeFineTuning()
    {
        // Fine-tuning at a learning rate too small to move anything: whatever the model learns comes from the head-only epochs.
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(ToyData.Sentiment());
        double Accuracy(int probeEpochs)
        {
            var options = TextClassificationTests.Options(epochs: 1);
            options.LearningRate = 1e-12;
            options.LinearProbeEpochs = probeEpochs;
            options.LinearProbeLearningRate = 5e-2;
            options.MeanPooling = true;   // a random tiny encoder: the token mean carries more of the words than its pooler
            using var model = ml.BinaryClassification.Trainers.ContextualTextClassification(options).Fit(data);
            return ml.BinaryClassification.Evaluate(model.Transform(data)).Accuracy;
        }
        double without = Accuracy(0), with = Accuracy(40);
        Assert.True(with >= 0.9, $"accuracy after 40 head-only epochs {with:F3} (without: {without:F3})");
        Assert.True(with > without + 0.2, $"head-only epochs {with:F3} vs none {without:F3}");
    }

    [Fact]
    public void LinearProbeOptions_OutOfRange_NameTheOption()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.BinaryClassification.Trainers.ContextualTextClassification(new ContextualTextClassificationOptions { LinearProbeEpochs = -1 }));
        Assert.Equal("LinearProbeEpochs", e.ParamName);
        var r = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.BinaryClassification.Trainers.ContextualTextClassification(new ContextualTextClassificationOptions { LinearProbeLearningRate = double.NaN }));
        Assert.Equal("LinearProbeLearningRate", r.ParamName);
    }
}

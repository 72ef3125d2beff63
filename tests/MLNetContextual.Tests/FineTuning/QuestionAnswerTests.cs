using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual.Tests.FineTuning;

[Collection(TorchTrainingCollection.Name)]
public class QuestionAnswerTests
{
    internal static ContextualQuestionAnswerOptions Options(int epochs = 12) => new()
    {
        Encoder = TextClassificationTests.Tiny, BatchSize = 8, MaxEpochs = epochs, LearningRate = 2e-3, NumberOfThreads = 1,
        MaxSequenceLength = 24, DocumentStride = 8, MaxQueryLength = 8, TopK = 2, ValidationFraction = 0,
    };

    public sealed class QaOutput
    {
        public string[] Answer { get; set; }
        public float[] Score { get; set; }
    }

    [Fact]
    public void TinyModelLearnsToyQa_WithStridedWindows_AndRoundTrips()
    {
        var ml = new MLContext(seed: 1);
        var train = ToyData.Qa(96);
        var trainer = ml.MulticlassClassification.Trainers.ContextualQuestionAnswer(Options());
        var (model, path) = EstimatorChecks.RoundTrip<ToyData.QaRow, QaOutput>(trainer, train, ml: ml, predictionTolerance: 1e-4f);
        try
        {
            var qa = (ContextualQuestionAnswerTransformer)model;
            // Contexts of up to 20 pieces in windows of 24 − 6 − 3 = 15: the long ones are read in two windows.
            var test = ToyData.Qa(40, seed: 99);
            var outputs = ml.Data.CreateEnumerable<QaOutput>(model.Transform(ml.Data.LoadFromEnumerable(test)), reuseRowObject: false).ToList();
            var scores = SquadMetrics.Evaluate(outputs.Zip(test, (o, r) => (o.Answer.FirstOrDefault(), (IReadOnlyList<string>)[r.TrainingAnswer])));
            Assert.True(scores.F1 >= 80, scores.ToString());
            Assert.All(outputs, o => Assert.InRange(o.Answer.Length, 1, 2));
            Assert.All(outputs, o => Assert.True(o.Score[0] >= o.Score[^1]));
            Assert.NotNull(qa.TrainingSummary);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void EmptyContextAtPrediction_GivesNoAnswer()
    {
        var ml = new MLContext(seed: 1);
        using var model = ml.MulticlassClassification.Trainers.ContextualQuestionAnswer(Options(epochs: 1)).Fit(ml.Data.LoadFromEnumerable(ToyData.Qa(8)));
        var rows = new[] { new ToyData.QaRow { Context = "", Question = "what is the key ?" } };
        var output = ml.Data.CreateEnumerable<QaOutput>(model.Transform(ml.Data.LoadFromEnumerable(rows)), false).Single();
        Assert.Empty(output.Answer ?? []);   // ML.NET reads an empty vector back as null
        Assert.Empty(output.Score ?? []);
    }

    [Fact]
    public void ValidationSet_ReportsSquadF1()
    {
        var ml = new MLContext(seed: 1);
        var options = Options(epochs: 2);
        options.ValidationSet = ml.Data.LoadFromEnumerable(ToyData.Qa(16, seed: 5));
        using var model = ml.MulticlassClassification.Trainers.ContextualQuestionAnswer(options).Fit(ml.Data.LoadFromEnumerable(ToyData.Qa(32)));
        Assert.All(model.TrainingSummary.ValidationMetrics, f1 => Assert.InRange(f1, 0, 100));
    }
}

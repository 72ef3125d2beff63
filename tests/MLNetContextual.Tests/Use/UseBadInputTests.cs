using Microsoft.ML;
using MLNetContextual.Tests.FineTuning;
using static MLNetContextual.Tests.Use.UseToyData;

namespace MLNetContextual.Tests.Use;

[Collection(TorchTrainingCollection.Name)]
public class UseBadInputTests
{
    private static IDataView Input(MLContext ml) => ml.Data.LoadFromEnumerable(Texts());

    private static string FitError(MLContext ml, UniversalSentenceEncoderOptions options)
    {
        var estimator = ml.Transforms.Text.LearnUniversalSentenceEncoder("Features", "Text", options);
        return Assert.ThrowsAny<ArgumentOutOfRangeException>(() => estimator.Fit(Input(ml))).Message;
    }

    [Fact]
    public void TaskWithNoRows()
    {
        var ml = new MLContext(seed: 1);
        var options = Options(ml, UseArchitecture.Dan);
        options.Tasks[1] = UseTrainingTask.PairRegression(ml.Data.LoadFromEnumerable(new List<ScoreRow>()), name: "sts");
        Assert.Contains("Task 'sts' (pair regression) has no rows.", FitError(ml, options));
    }

    [Fact]
    public void MissingAndMistypedColumns_NameTheTaskAndTheColumn()
    {
        var ml = new MLContext(seed: 1);
        var options = Options(ml, UseArchitecture.Dan);
        options.Tasks[0] = UseTrainingTask.PairClassification(ml.Data.LoadFromEnumerable(Nli()), firstColumnName: "Sentence", name: "nli");
        Assert.Contains("Task 'nli' (pair classification): could not find first sentence column 'Sentence'.", FitError(ml, options));
        // Also when the estimator's schema is asked for.
        var estimator = ml.Transforms.Text.LearnUniversalSentenceEncoder("Features", "Text", options);
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(SchemaShapes.From(Input(ml).Schema)));

        options = Options(ml, UseArchitecture.Dan);
        options.Tasks[1] = UseTrainingTask.PairRegression(ml.Data.LoadFromEnumerable(Nli()), "Premise", "Hypothesis", "Label", name: "sts");
        Assert.Contains("Task 'sts' (pair regression): schema mismatch for score column 'Label': expected Single or Double, got String.", FitError(ml, options));

        options = Options(ml, UseArchitecture.Dan);
        options.Tasks[0] = UseTrainingTask.PairClassification(ml.Data.LoadFromEnumerable(Sts()), "Sentence1", "Sentence2", "Score", name: "nli");
        Assert.Contains("Task 'nli' (pair classification): schema mismatch for label column 'Score': expected String or Key, got Single.", FitError(ml, options));
    }

    [Fact]
    public void TeacherDimensionDiffers_NamesBoth()
    {
        var ml = new MLContext(seed: 1);
        var options = Options(ml, UseArchitecture.Dan);
        options.OutputDimension = 12;
        Assert.Contains("Task 'teacher' (distillation): teacher column 'Teacher' has 16 dimensions; the encoder's OutputDimension is 12.", FitError(ml, options));
    }

    [Fact]
    public void EmptySentences_AreSkipped_AndATaskOfOnlyEmptyOnesFails()
    {
        var ml = new MLContext(seed: 1);
        var options = Options(ml, UseArchitecture.Dan, distill: false);
        var responses = Responses();
        responses.Add(new ResponseRow { Input = "", Response = "something" });
        responses.Add(new ResponseRow { Input = "something", Response = null });
        options.Tasks[2] = UseTrainingTask.ResponsePrediction(ml.Data.LoadFromEnumerable(responses), name: "next");
        using (var use = ml.Transforms.Text.LearnUniversalSentenceEncoder("Features", "Text", options).Fit(Input(ml)))
            Assert.All(use.Embed(["", "   ", null]), v => Assert.All(v, x => Assert.True(float.IsFinite(x))));

        options.Tasks[2] = UseTrainingTask.ResponsePrediction(ml.Data.LoadFromEnumerable(new[] { new ResponseRow { Input = " ", Response = "x" } }), name: "next");
        Assert.Contains("Task 'next' (response prediction) has no usable rows: all 1 have an empty sentence or a missing value.", FitError(ml, options));
    }

    [Fact]
    public void Options_AreChecked()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.Transforms.Text.LearnUniversalSentenceEncoder("Features", "Text", new UniversalSentenceEncoderOptions()));
        Assert.Contains("Tasks is empty", e.Message);
        var options = Options(ml, UseArchitecture.Transformer);
        options.TransformerHeads = 3;
        e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Text.LearnUniversalSentenceEncoder("Features", "Text", options));
        Assert.Contains("OutputDimension 16 is not a multiple of TransformerHeads 3.", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => UseTrainingTask.Distillation(Input(ml), weight: 0));
    }

    [Fact]
    public void Cancellation_GivesNoOutput()
    {
        var ml = new MLContext(seed: 1);
        using var cts = new CancellationTokenSource();
        var options = Options(ml, UseArchitecture.Dan);
        options.CancellationToken = cts.Token;
        options.Progress = new CancelAfter(cts, steps: 3);
        var estimator = ml.Transforms.Text.LearnUniversalSentenceEncoder("Features", "Text", options);
        Assert.ThrowsAny<OperationCanceledException>(() => estimator.Fit(Input(ml)));
        MLNetContextual.Torch.TorchRuntime.EnsureLoaded();
        Assert.True(Monitor.TryEnter(FineTuningLoop.GlobalGate));   // the gate was released
        Monitor.Exit(FineTuningLoop.GlobalGate);
    }

    private sealed class CancelAfter(CancellationTokenSource cts, int steps) : IProgress<UseTrainingProgress>
    {
        public void Report(UseTrainingProgress value)
        {
            if (value.Step >= steps)
                cts.Cancel();
        }
    }
}

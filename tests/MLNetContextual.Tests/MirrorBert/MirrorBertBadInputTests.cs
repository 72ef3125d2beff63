using Microsoft.ML;
using MLNetContextual.Tests.FineTuning;
using static MLNetContextual.Tests.MirrorBert.MirrorBertToyData;

namespace MLNetContextual.Tests.MirrorBert;

[Collection(TorchTrainingCollection.Name)]
public class MirrorBertBadInputTests
{
    private static string OptionError(Action<MirrorBertOptions> change)
    {
        var options = Options();
        change(options);
        var ml = new MLContext(seed: 1);
        return Assert.ThrowsAny<ArgumentOutOfRangeException>(() => ml.Transforms.Text.LearnMirrorBert("Features", "Text", options)).Message;
    }

    [Fact]
    public void InvalidOptions_NameTheOption()
    {
        Assert.Contains("BatchSize is 1; it must be at least 2 (InfoNCE needs in-batch negatives).", OptionError(o => o.BatchSize = 1));
        Assert.Contains("Temperature is 0; it must be positive.", OptionError(o => o.Temperature = 0));
        Assert.Contains("Temperature is -0.1; it must be positive.", OptionError(o => o.Temperature = -0.1));
        Assert.Contains("Temperature is NaN; it must be positive.", OptionError(o => o.Temperature = double.NaN));
        Assert.Contains("Epochs is 0; it must be at least 1.", OptionError(o => o.Epochs = 0));
        Assert.Contains("MaskSpanLength is -1", OptionError(o => o.MaskSpanLength = -1));
        Assert.Contains("MaxTokens is 65; this model accepts at most 64.", OptionError(o => o.MaxTokens = 65));
        Assert.Contains("Set invalid pooling Max. Valid poolings are: (Mean, Cls).", OptionError(o => o.Pooling = ContextualPooling.Max));
        Assert.Contains("MaxRows is 1; it must be at least 2 (or null).", OptionError(o => o.MaxRows = 1));
        Assert.Contains("cannot be trained by Mirror-BERT; expected a BERT encoder", OptionError(o => o.Encoder = new Seam.CharacterHistogramEncoder("abc")));
    }

    [Fact]
    public void WrongColumnType_OrMissingColumn_FailsAtSchemaTimeAndInFit()
    {
        var ml = new MLContext(seed: 1);
        var numbers = ml.Data.LoadFromEnumerable(new[] { new NumberRow { Text = 1 }, new NumberRow { Text = 2 } });
        var estimator = ml.Transforms.Text.LearnMirrorBert("Features", "Text", Options());
        var schemaError = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(SchemaShapes.From(numbers.Schema)));
        Assert.Contains("Schema mismatch for input column 'Text': expected String, got Single.", schemaError.Message);
        var fitError = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(numbers));
        Assert.Contains("Schema mismatch for input column 'Text': expected String, got Single.", fitError.Message);

        var other = ml.Transforms.Text.LearnMirrorBert("Features", "Sentence", Options());
        Assert.Contains("Could not find input column 'Sentence'.",
            Assert.Throws<ArgumentOutOfRangeException>(() => other.Fit(ml.Data.LoadFromEnumerable(Rows()))).Message);
    }

    [Fact]
    public void FewerThanTwoNonEmptyTexts_Fails_CountingTheSkipped()
    {
        var ml = new MLContext(seed: 1);
        var estimator = ml.Transforms.Text.LearnMirrorBert("Features", "Text", Options());
        var error = Assert.Throws<ArgumentException>(() => estimator.Fit(ml.Data.LoadFromEnumerable(Rows(["only one text", null, "", " \t"]))));
        Assert.Contains("Input column 'Text' has 1 non-empty text(s) (3 null or empty skipped); Mirror-BERT needs at least 2.", error.Message);
        Assert.Throws<ArgumentException>(() => estimator.Fit(ml.Data.LoadFromEnumerable(Rows([]))));
    }

    [Fact]
    public void Cancellation_BeforeOrDuringFit_ThrowsAndReturnsNothing()
    {
        var ml = new MLContext(seed: 1);
        using var before = new CancellationTokenSource();
        before.Cancel();
        var options = Options();
        options.CancellationToken = before.Token;
        Assert.ThrowsAny<OperationCanceledException>(() => ml.Transforms.Text.LearnMirrorBert("Features", "Text", options).Fit(ml.Data.LoadFromEnumerable(Rows())));

        using var during = new CancellationTokenSource();
        var reports = new List<MirrorBertProgress>();
        options = Options();
        options.Epochs = 5;
        options.ProgressInterval = 1;
        options.CancellationToken = during.Token;
        options.Progress = new SynchronousProgress(p => { reports.Add(p); during.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => ml.Transforms.Text.LearnMirrorBert("Features", "Text", options).Fit(ml.Data.LoadFromEnumerable(Rows())));
        Assert.Single(reports);
        Assert.Equal(10, reports[0].TotalSteps);
    }

    private sealed class SynchronousProgress(Action<MirrorBertProgress> report) : IProgress<MirrorBertProgress>
    {
        public void Report(MirrorBertProgress value) => report(value);
    }
}

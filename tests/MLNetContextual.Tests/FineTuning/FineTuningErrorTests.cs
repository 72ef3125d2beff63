using Microsoft.ML;

namespace MLNetContextual.Tests.FineTuning;

/// <summary>Bad input fails at GetOutputSchema/Fit, before any training, naming the column, row or option.</summary>
[Collection(TorchTrainingCollection.Name)]
public class FineTuningErrorTests
{
    private static readonly MLContext Ml = new(seed: 1);

    private sealed class NoLabelRow
    {
        public string Sentence1 { get; set; }
    }

    private sealed class TextLabelRow
    {
        public string Sentence1 { get; set; }
        public string Label { get; set; }
    }

    private sealed class FloatLabelRow
    {
        public string Sentence1 { get; set; }
        public float Label { get; set; }
    }

    private static void FailsAtSchemaAndFit<TEstimator>(IEstimator<ITransformer> estimator, IDataView data, string expected)
    {
        var e1 = Assert.ThrowsAny<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(SchemaShapes.From(data.Schema)));
        Assert.Contains(expected, e1.Message);
        var e2 = Assert.ThrowsAny<ArgumentOutOfRangeException>(() => estimator.Fit(data));
        Assert.Contains(expected, e2.Message);
    }

    [Fact]
    public void MissingLabelColumn()
    {
        var data = Ml.Data.LoadFromEnumerable(new[] { new NoLabelRow { Sentence1 = "good" } });
        FailsAtSchemaAndFit<object>(Ml.BinaryClassification.Trainers.ContextualTextClassification(TextClassificationTests.Options()), data,
            "Could not find input column 'Label'");
        FailsAtSchemaAndFit<object>(Ml.MulticlassClassification.Trainers.ContextualTextClassification(TextClassificationTests.Options()), data,
            "Could not find input column 'Label'");
    }

    [Fact]
    public void WrongLabelType_SaysWhatToDo()
    {
        var text = Ml.Data.LoadFromEnumerable(new[] { new TextLabelRow { Sentence1 = "good", Label = "pos" } });
        FailsAtSchemaAndFit<object>(Ml.MulticlassClassification.Trainers.ContextualTextClassification(TextClassificationTests.Options()), text,
            "Schema mismatch for input column 'Label': expected Key<UInt32> (put ml.Transforms.Conversion.MapValueToKey before the trainer), got String");
        var number = Ml.Data.LoadFromEnumerable(new[] { new FloatLabelRow { Sentence1 = "good", Label = 1 } });
        FailsAtSchemaAndFit<object>(Ml.BinaryClassification.Trainers.ContextualTextClassification(TextClassificationTests.Options()), number,
            "Schema mismatch for input column 'Label': expected Boolean, got Single");
    }

    [Fact]
    public void MissingTextColumn()
    {
        var data = Ml.Data.LoadFromEnumerable(new[] { new TextLabelRow { Sentence1 = "good", Label = "pos" } });
        var options = TextClassificationTests.Options();
        options.Sentence1ColumnName = "Review";
        FailsAtSchemaAndFit<object>(Ml.MulticlassClassification.Trainers.ContextualTextClassification(options), data,
            "Could not find input column 'Review'");
    }

    [Fact]
    public void BadOptions_NameTheOption()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Ml.BinaryClassification.Trainers.ContextualTextClassification(new ContextualTextClassificationOptions { BatchSize = 0 }));
        Assert.Equal("BatchSize", e.ParamName);
        var q = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Ml.MulticlassClassification.Trainers.ContextualQuestionAnswer(new ContextualQuestionAnswerOptions { MaxSequenceLength = 60, MaxQueryLength = 64 }));
        Assert.Equal("MaxSequenceLength", q.ParamName);
    }

    private static Exception QaFit(params ToyData.QaRow[] rows)
    {
        var trainer = Ml.MulticlassClassification.Trainers.ContextualQuestionAnswer(QuestionAnswerTests.Options(epochs: 1));
        return Assert.ThrowsAny<ArgumentException>(() => trainer.Fit(Ml.Data.LoadFromEnumerable(ToyData.Qa(3).Concat(rows))));
    }

    [Fact]
    public void Qa_AnswerIndexOutOfRange_NamesRow()
    {
        var e = QaFit(new ToyData.QaRow { Context = "the key is red", Question = "what is the key ?", TrainingAnswer = "red", AnswerIndex = 40 });
        Assert.Contains("Row 3 of the training data", e.Message);
        Assert.Contains("AnswerIndex is 40, out of range", e.Message);
    }

    [Fact]
    public void Qa_AnswerIndexNotAtAnswer_NamesRowAndShowsText()
    {
        var e = QaFit(new ToyData.QaRow { Context = "the key is red", Question = "what is the key ?", TrainingAnswer = "red", AnswerIndex = 10 });
        Assert.Contains("Row 3 of the training data", e.Message);
        Assert.Contains("does not point at the answer: the context has \" re\" there", e.Message);
    }

    [Fact]
    public void Qa_EmptyContextOrQuestion_NamesRow()
    {
        var e = QaFit(new ToyData.QaRow { Context = "", Question = "what is the key ?", TrainingAnswer = "red", AnswerIndex = 0 });
        Assert.Contains("Row 3 of the training data: the context (column 'Context') is empty", e.Message);
        e = QaFit(new ToyData.QaRow { Context = "the key is red", Question = " ", TrainingAnswer = "red", AnswerIndex = 11 });
        Assert.Contains("Row 3 of the training data: the question (column 'Question') is empty", e.Message);
    }

    [Fact]
    public void Qa_QuestionLongerThanQueryWindow_NamesRow()
    {
        var e = QaFit(new ToyData.QaRow { Context = "the key is red", Question = "what is the key the key the key ?", TrainingAnswer = "red", AnswerIndex = 11 });
        Assert.Contains("Row 3 of the training data: the question has 9 word pieces, longer than the query window (MaxQueryLength 8)", e.Message);
    }

    [Fact]
    public void Qa_ValidationSetWithoutColumns_IsNamed()
    {
        var options = QuestionAnswerTests.Options(epochs: 1);
        options.ValidationSet = Ml.Data.LoadFromEnumerable(new[] { new NoLabelRow { Sentence1 = "x" } });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Ml.MulticlassClassification.Trainers.ContextualQuestionAnswer(options).Fit(Ml.Data.LoadFromEnumerable(ToyData.Qa(3))));
        Assert.Contains("ValidationSet: Could not find input column 'Context'", e.Message);
    }

    [Fact]
    public void Cancel_MidEpoch_ThrowsAndReturnsNoModel()
    {
        using var cancel = new CancellationTokenSource();
        var reports = new List<FineTuningProgress>();
        var options = TextClassificationTests.Options(epochs: 3);
        options.ProgressInterval = 1;
        options.CancellationToken = cancel.Token;
        options.Progress = new TextClassificationTests.SyncProgress(p =>
        {
            reports.Add(p);
            if (p.Step == 2)
                cancel.Cancel();
        });
        var trainer = Ml.BinaryClassification.Trainers.ContextualTextClassification(options);
        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Fit(Ml.Data.LoadFromEnumerable(ToyData.Sentiment())));
        Assert.Equal(2, reports.Max(r => r.Step));          // stopped at the next step: epoch 1 of 8 steps not finished
        Assert.All(reports, r => Assert.Equal(1, r.Epoch));
    }

    [Fact]
    public void UntrainedCheckpoint_VocabularyLargerThanConfig()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => BertCheckpoint.Untrained(
            new BertConfig { VocabSize = 3, HiddenSize = 8, NumHiddenLayers = 1, NumAttentionHeads = 2, IntermediateSize = 8 },
            ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]));
        Assert.Contains("VocabSize is 3", e.Message);
    }
}

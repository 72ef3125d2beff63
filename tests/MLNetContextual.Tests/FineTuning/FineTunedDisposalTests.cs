using Microsoft.ML;

namespace MLNetContextual.Tests.FineTuning;

/// <summary>The fine-tuned transformers, like the embedding transforms (<c>Seam/DisposalTests</c>), throw
/// ObjectDisposedException after disposal instead of reaching freed TorchSharp weights: with a cursor or a
/// PredictionEngine still open, on a later Transform, on Save, and disposing twice is harmless.</summary>
[Collection(TorchTrainingCollection.Name)]
public class FineTunedDisposalTests
{
    [Fact]
    [Trait("Category", "Torch")]
    public void QuestionAnswer_DisposedWhileCursorAndEngineLive_ThrowsObjectDisposed()
    {
        var ml = new MLContext(seed: 1);
        var options = QuestionAnswerTests.Options(epochs: 1);
        var rows = ToyData.Qa(3 * options.BatchSize);
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.MulticlassClassification.Trainers.ContextualQuestionAnswer(options).Fit(data);
        var engine = ml.Model.CreatePredictionEngine<ToyData.QaRow, QuestionAnswerTests.QaOutput>(model,
            new PredictionEngineOptions { OwnsTransformer = false });
        Assert.NotEmpty(engine.Predict(rows[0]).Answer);

        using var rowsOut = ml.Data.CreateEnumerable<QuestionAnswerTests.QaOutput>(model.Transform(data), reuseRowObject: false).GetEnumerator();
        Assert.True(rowsOut.MoveNext());   // answers the first batch
        model.Dispose();
        for (int i = 1; i < options.BatchSize; i++)   // the batch already answered is managed memory: still readable
            Assert.True(rowsOut.MoveNext());
        Assert.Throws<ObjectDisposedException>(() => rowsOut.MoveNext());   // the next batch would need the weights

        var e = Assert.Throws<ObjectDisposedException>(() => engine.Predict(rows[1]));
        Assert.Contains(nameof(ContextualQuestionAnswerTransformer), e.Message);
        Assert.Throws<ObjectDisposedException>(() => ml.Data.CreateEnumerable<QuestionAnswerTests.QaOutput>(model.Transform(data), false).ToList());
        using var stream = new MemoryStream();
        Assert.Throws<ObjectDisposedException>(() => ml.Model.Save(model, data.Schema, stream));
        model.Dispose();   // twice: nothing happens
        engine.Dispose();  // the engine does not own the model: nothing to release
    }

    [Fact]
    [Trait("Category", "Torch")]
    public void QuestionAnswer_DisposingOwningEngine_DisposesModel()
    {
        var ml = new MLContext(seed: 1);
        var rows = ToyData.Qa(8);
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.MulticlassClassification.Trainers.ContextualQuestionAnswer(QuestionAnswerTests.Options(epochs: 1)).Fit(data);
        using (var engine = ml.Model.CreatePredictionEngine<ToyData.QaRow, QuestionAnswerTests.QaOutput>(model))
            Assert.NotEmpty(engine.Predict(rows[0]).Answer);
        var e = Assert.Throws<ObjectDisposedException>(() => ml.Data.CreateEnumerable<QuestionAnswerTests.QaOutput>(model.Transform(data), false).ToList());
        Assert.Contains("OwnsTransformer = false", e.Message);
        model.Dispose();   // already disposed by the engine: nothing happens
    }

    [Fact]
    [Trait("Category", "Torch")]
    public void Classifier_DisposedWhileEngineLive_ThrowsObjectDisposed_DoubleDisposeHarmless()
    {
        var ml = new MLContext(seed: 1);
        var rows = ToyData.Sentiment();
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.BinaryClassification.Trainers.ContextualTextClassification(TextClassificationTests.Options(epochs: 1)).Fit(data);
        var engine = ml.Model.CreatePredictionEngine<ToyData.SentimentRow, TextClassificationTests.BinaryOutput>(model,
            new PredictionEngineOptions { OwnsTransformer = false });
        engine.Predict(rows[0]);
        model.Dispose();
        Assert.Throws<ObjectDisposedException>(() => engine.Predict(rows[1]));
        using var stream = new MemoryStream();
        Assert.Throws<ObjectDisposedException>(() => ml.Model.Save(model, data.Schema, stream));
        model.Dispose();
        engine.Dispose();
    }
}

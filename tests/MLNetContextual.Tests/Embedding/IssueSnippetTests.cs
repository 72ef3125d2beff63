using Microsoft.ML;

namespace MLNetContextual.Tests;

/// <summary>The foundation issue's snippet, as written (file names made absolute in a temp folder).</summary>
public class IssueSnippetTests
{
    private sealed class Review
    {
        public string Text { get; set; }
        public bool Label { get; set; }
    }

    [Fact]
    public void FoundationSnippet_CompilesAndRuns()
    {
        using var dir = new TempFolder();
        dir.WriteMiniLM();
        var reviews = Enumerable.Range(0, 8).Select(i => new Review
        {
            Text = i % 2 == 0 ? $"I loved it, wonderful experience number {i}." : $"Terrible, I hated it, awful case {i}.",
            Label = i % 2 == 0,
        });
        var train = new MLContext().Data.LoadFromEnumerable(reviews.ToArray());

        var ml = new MLContext(seed: 1);
        var pipeline = ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text")      // embedded all-MiniLM-L6-v2, mean pooling
            .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression());
        var model = pipeline.Fit(train);
        ml.Model.Save(model, train.Schema, dir.File("sentiment.zip"));
        var loaded = new MLContext().Model.Load(dir.File("sentiment.zip"), out var schema);          // also in a fresh process

        var opts = new ContextualEmbeddingOptions { Pooling = ContextualPooling.Cls, Normalize = true, MaxTokens = 128, BatchSize = 64 };
        ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text", opts);
        var other = new ContextualEmbeddingOptions { Encoder = ContextualEncoder.FromOnnx(dir.File("model.onnx"), dir.File("vocab.txt")) };  // default: ContextualEncoder.MiniLM
        ml.Transforms.Text.ApplyContextualWordEmbedding("WordVector", textColumnName: "Text", startColumnName: "Start", lengthColumnName: "Length");

        Assert.Equal(["Text", "Label"], schema.Select(c => c.Name));
        Assert.Equal(512, other.Encoder.MaxPositions);
        var predictions = new MLContext().Data.CreateEnumerable<Prediction>(loaded.Transform(train), false).ToList();
        Assert.Equal(reviews.Select(r => r.Label), predictions.Select(p => p.PredictedLabel));
    }

    private sealed class Prediction
    {
        public bool PredictedLabel { get; set; }
    }
}

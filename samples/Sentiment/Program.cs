// Sentiment with contextual features: the embedded all-MiniLM-L6-v2 turns each sentence into 384 numbers, an ordinary
// ML.NET trainer learns from them, and the whole pipeline is saved as one .zip (the embedded encoder by reference: name and
// SHA-256 of the package's model; ContextualEmbeddingOptions.SelfContainedZip copies its weights into the zip).
// Run: dotnet run -c Release --project samples/Sentiment
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetContextual;

var ml = new MLContext(seed: 1);
var data = ml.Data.LoadFromTextFile<Review>(Path.Combine(AppContext.BaseDirectory, "data", "sentiment.tsv"), hasHeader: true, separatorChar: '\t');
var split = ml.Data.TrainTestSplit(data, testFraction: 0.25, seed: 1);

var pipeline = ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text")      // embedded all-MiniLM-L6-v2, mean pooling
    .AppendCacheCheckpoint(ml)                                                        // SDCA makes many passes: encode each sentence once
    .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression());

var watch = System.Diagnostics.Stopwatch.StartNew();
var model = pipeline.Fit(split.TrainSet);
Console.WriteLine($"Trained on {split.TrainSet.GetRowCount() ?? CountRows(split.TrainSet)} sentences in {watch.Elapsed.TotalSeconds:F1} s");

var metrics = ml.BinaryClassification.Evaluate(model.Transform(split.TestSet));
Console.WriteLine($"Held-out test: accuracy {metrics.Accuracy:P1}, AUC {metrics.AreaUnderRocCurve:F3}, F1 {metrics.F1Score:F3}");

string path = Path.Combine(Path.GetTempPath(), "sentiment.zip");
ml.Model.Save(model, data.Schema, path);
Console.WriteLine($"Saved {path} ({new FileInfo(path).Length / 1_000.0:F1} KB: the embedded MiniLM by reference, checked by SHA-256 at load)");

// A new MLContext, as another process would have: nothing to register, no model files besides the zip.
var fresh = new MLContext();
var loaded = fresh.Model.Load(path, out _);
using var engine = fresh.Model.CreatePredictionEngine<Review, Prediction>(loaded);
foreach (var text in new[]
{
    "I would happily stay here again, the room was spotless.",
    "The battery died within an hour and the seller never replied.",
    "Not bad at all, better than I expected.",
    "The plot was thin and the jokes fell flat.",
})
{
    var p = engine.Predict(new Review { Text = text });
    Console.WriteLine($"{(p.PredictedLabel ? "positive" : "negative"),-8} {p.Probability,6:P0}  {text}");
}
return metrics.Accuracy >= 0.8 ? 0 : 1;

static long CountRows(IDataView view)
{
    long n = 0;
    using var cursor = view.GetRowCursor([]);
    while (cursor.MoveNext())
        n++;
    return n;
}

internal sealed class Review
{
    [LoadColumn(0)] public string Text { get; set; }
    [LoadColumn(1)] public bool Label { get; set; }
}

internal sealed class Prediction
{
    public bool PredictedLabel { get; set; }
    public float Probability { get; set; }
}

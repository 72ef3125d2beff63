// Rewires the embedded MiniLM with Mirror-BERT on sentences of the shared data (no labels: each sentence against its
// span-masked, dropout-perturbed twin), saves the model, reloads it, and compares similarity scores before and after.
//   dotnet run -c Release --project samples/MirrorBert [-- <datasets folder> [sentences] [batch]]
using Microsoft.ML;
using MLNetContextual;

string root = args.Length > 0 ? args[0] : FindDatasets();
int rows = args.Length > 1 ? int.Parse(args[1]) : 400;
int batch = args.Length > 2 ? int.Parse(args[2]) : 32;
var ml = new MLContext(seed: 1);

// Any text column will do; here distinct STS-B train sentences (the reference's corpus).
var sentences = File.ReadLines(Path.Combine(root, "stsb", "sts-train.csv")).Select(l => l.Split('\t')).Where(f => f.Length >= 7)
    .SelectMany(f => new[] { f[5], f[6] }).Distinct().Take(rows).Select(t => new TextRow { Text = t }).ToList();
var data = ml.Data.LoadFromEnumerable(sentences);

var options = new MirrorBertOptions
{
    BatchSize = batch,                       // the paper: 200 (7 GB on a CPU at 50 tokens with MiniLM)
    Progress = new Progress<MirrorBertProgress>(p => Console.WriteLine(p)),
    ProgressInterval = 2,
};
Console.WriteLine($"Mirror-BERT on {sentences.Count} sentences, batch {batch} ...");
using (var model = ml.Transforms.Text.LearnMirrorBert("Features", "Text", options).Fit(data))
{
    Console.WriteLine($"{model.Summary.StepLosses.Count} steps, loss {model.Summary.StepLosses[0]:F3} -> {model.Summary.StepLosses[^1]:F3}, " +
                      $"{model.Summary.SkippedRows} empty rows skipped; prediction graph: {model.Summary.OnnxGraph}");
    ml.Model.Save(model, data.Schema, "mirror-bert.zip");
}
Console.WriteLine($"Saved mirror-bert.zip ({new FileInfo("mirror-bert.zip").Length / 1e6:F1} MB).");

// Reload in a fresh context, as another process would (ONNX Runtime only, no libtorch), beside the untouched MiniLM.
var fresh = new MLContext();
var mirror = fresh.Model.Load("mirror-bert.zip", out _);
var miniLM = fresh.Transforms.Text.ApplyContextualEmbedding("Features", "Text").Fit(data);
var after = fresh.Model.CreatePredictionEngine<TextRow, Vector>(mirror);
var before = fresh.Model.CreatePredictionEngine<TextRow, Vector>(miniLM);

(string, string)[] pairs =
[
    ("A man is playing a guitar.", "A person plays the guitar."),
    ("A man is playing a guitar.", "A chef is cooking pasta."),
    ("The stock market fell sharply today.", "Shares dropped steeply on Monday."),
    ("The cat sleeps on the sofa.", "A dog runs in the park."),
];
Console.WriteLine();
Console.WriteLine($"{"pair",-70} MiniLM cos  Mirror-BERT cos");
foreach (var (a, b) in pairs)
    Console.WriteLine($"{(a + " | " + b),-70} {Cosine(before, a, b),10:F3}  {Cosine(after, a, b),15:F3}");

// The trained encoder on its own, for any other transform: token vectors, word vectors, IEmbeddingGenerator.
var encoder = ((MirrorBertTransformer)mirror).Encoder;
var tokens = fresh.Transforms.Text.ApplyContextualTokenEmbedding("Tokens", "Text", new ContextualTokenEmbeddingOptions { Encoder = encoder })
    .Fit(data).Transform(data);
Console.WriteLine($"token vectors with the trained encoder '{encoder.Name}': column {tokens.Schema["Tokens"].Type}");

static float Cosine(PredictionEngine<TextRow, Vector> engine, string a, string b) =>
    System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(engine.Predict(new() { Text = a }).Features, engine.Predict(new() { Text = b }).Features);

static string FindDatasets()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        if (Directory.Exists(Path.Combine(dir.FullName, "shared", "datasets")))
            return Path.Combine(dir.FullName, "shared", "datasets");
    throw new DirectoryNotFoundException("Pass the datasets folder (shared/datasets) as the first argument.");
}

sealed class TextRow { public string Text { get; set; } }
sealed class Vector { public float[] Features { get; set; } }

// Expected output (shape; figures depend on the machine and the rows used):
// Mirror-BERT on 400 sentences, batch 32 ...
// epoch 1, step 2/12, loss ..., ... strings/s
// 12 steps, loss ... -> ..., 0 empty rows skipped; prediction graph: the source graph with fine-tuned weights
// Saved mirror-bert.zip (83.3 MB).
// pair                                                                   MiniLM cos  Mirror-BERT cos
// A man is playing a guitar. | A person plays the guitar.                     0.9..            0.9..
// token vectors with the trained encoder 'mirror-bert-all-MiniLM-L6-v2': column Vector<Single>

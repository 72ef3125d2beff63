// Trains a Universal Sentence Encoder (deep averaging network) on the shared data, saves it, reloads it, and compares its
// speed and similarity scores with the embedded MiniLM on a few pairs.
//   dotnet run -c Release --project samples/UniversalSentenceEncoder [-- <datasets folder> [rows per task]]
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetContextual;

string root = args.Length > 0 ? args[0] : FindDatasets();
int rows = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3000;
var ml = new MLContext(seed: 1);

// Tasks, each from its own data: NLI pairs (SNLI), similarity scores (STS-B train), sentence → next sentence (Brown).
var snli = File.ReadLines(Path.Combine(root, "snli", "dev.tsv")).Skip(1).Select(l => l.Split('\t'))
    .Where(f => f.Length >= 3 && f[2] != "-").Take(rows)
    .Select(f => new NliRow { Premise = f[0], Hypothesis = f[1], Label = f[2] });
var sts = File.ReadLines(Path.Combine(root, "stsb", "sts-train.csv")).Select(l => l.Split('\t')).Where(f => f.Length >= 7).Take(rows)
    .Select(f => new StsRow { Sentence1 = f[5], Sentence2 = f[6], Score = float.Parse(f[4], CultureInfo.InvariantCulture) });
var brown = File.ReadLines(Path.Combine(root, "english-corpus", "brown", "brown.txt")).Take(rows + 1).ToList();
var next = brown.Zip(brown.Skip(1), (a, b) => new NextRow { Input = a, Response = b });

var options = new UniversalSentenceEncoderOptions
{
    Tasks =
    [
        UseTrainingTask.PairClassification(ml.Data.LoadFromEnumerable(snli.ToList()), name: "snli"),
        UseTrainingTask.PairRegression(ml.Data.LoadFromEnumerable(sts.ToList()), name: "stsb"),
        UseTrainingTask.ResponsePrediction(ml.Data.LoadFromEnumerable(next.ToList()), name: "next-sentence"),
    ],
    Architecture = UseArchitecture.Dan,
    BigramBuckets = 1 << 14, EmbeddingDimension = 256, Epochs = 2,
    Progress = new Progress<UseTrainingProgress>(p => Console.WriteLine(p)),
};
var input = ml.Data.LoadFromEnumerable(new[] { new TextRow { Text = "" } });
Console.WriteLine($"Training a DAN on {rows} rows per task ...");
using (var model = ml.Transforms.Text.LearnUniversalSentenceEncoder("Features", "Text", options).Fit(input))
    ml.Model.Save(model, input.Schema, "use-dan.zip");
Console.WriteLine($"Saved use-dan.zip ({new FileInfo("use-dan.zip").Length / 1e6:F1} MB).");

// Reload in a fresh context, as another process would.
var fresh = new MLContext();
var dan = fresh.Model.Load("use-dan.zip", out _);
var miniLM = fresh.Transforms.Text.ApplyContextualEmbedding("Features", "Text").Fit(input);

(string, string)[] pairs =
[
    ("A man is playing a guitar.", "A person plays the guitar."),
    ("A man is playing a guitar.", "A chef is cooking pasta."),
    ("The stock market fell sharply today.", "Shares dropped steeply on Monday."),
    ("The cat sleeps on the sofa.", "A dog runs in the park."),
];
var danEngine = fresh.Model.CreatePredictionEngine<TextRow, Vector>(dan);
var miniEngine = fresh.Model.CreatePredictionEngine<TextRow, Vector>(miniLM);
Console.WriteLine();
Console.WriteLine("pair                                                                   DAN cos  angular  MiniLM cos");
foreach (var (a, b) in pairs)
{
    float[] da = danEngine.Predict(new() { Text = a }).Features, db = danEngine.Predict(new() { Text = b }).Features;
    float[] ma = miniEngine.Predict(new() { Text = a }).Features, mb = miniEngine.Predict(new() { Text = b }).Features;
    Console.WriteLine($"{(a + " | " + b),-70} {UseSimilarity.Cosine(da, db),7:F3}  {UseSimilarity.Angular(da, db),7:F3}  {UseSimilarity.Cosine(ma, mb),10:F3}");
}

// Speed on 2,000 sentences, through each transformer.
var texts = fresh.Data.LoadFromEnumerable(brown.Take(2000).Select(t => new TextRow { Text = t }).ToList());
foreach (var (name, model) in new[] { ("DAN", dan), ("MiniLM", (ITransformer)miniLM) })
{
    var sw = Stopwatch.StartNew();
    int n = fresh.Data.CreateEnumerable<Vector>(model.Transform(texts), reuseRowObject: true).Count();
    Console.WriteLine($"{name}: {n / sw.Elapsed.TotalSeconds:F0} sentences/s");
}

static string FindDatasets()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        if (Directory.Exists(Path.Combine(dir.FullName, "shared", "datasets")))
            return Path.Combine(dir.FullName, "shared", "datasets");
    throw new DirectoryNotFoundException("Pass the datasets folder (shared/datasets) as the first argument.");
}

sealed class TextRow { public string Text { get; set; } }
sealed class Vector { public float[] Features { get; set; } }
sealed class NliRow { public string Premise { get; set; } public string Hypothesis { get; set; } public string Label { get; set; } }
sealed class StsRow { public string Sentence1 { get; set; } public string Sentence2 { get; set; } public float Score { get; set; } }
sealed class NextRow { public string Input { get; set; } public string Response { get; set; } }

// Expected output (shape; figures depend on the machine and the rows used):
// epoch 1 step 100/...: loss ... (snli ..., stsb ..., next-sentence ...)
// Saved use-dan.zip (...)
// pair ...                                                             DAN cos  angular  MiniLM cos
// DAN: ... sentences/s   (tens of times the MiniLM's)
// MiniLM: ... sentences/s

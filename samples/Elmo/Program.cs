// ELMo, pre-trained on your own text:
//   1. LearnElmo pre-trains a small character-aware biLM (forward and backward LSTM language models) on a text file
//      during Fit, reporting validation perplexity per epoch;
//   2. the fitted transformer is saved as an ML.NET zip, and its encoder in the published bilm-tf format
//      (options.json + lm_weights.hdf5, readable by AllenNLP), then both are reloaded;
//   3. the reloaded encoder gives every occurrence of a word its own vector (ApplyContextualWordEmbedding, top biLM
//      layer), and for a few occurrences we print the nearest other contexts of the same word.
// Run: dotnet run -c Release --project samples/Elmo [-- text-file [word]]
// Without arguments a small generated text is used (900 lines in which "bank" is a river bank or a money bank); it
// trains in about a minute on one thread.
using System.Globalization;
using Microsoft.ML;
using MLNetContextual;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string word = args.Length > 1 ? args[1] : "bank";
var lines = args.Length > 0 ? File.ReadLines(args[0]).Where(l => !string.IsNullOrWhiteSpace(l)).ToList() : Corpus.Lines(900);
var folder = Directory.CreateTempSubdirectory("elmo-sample-").FullName;
var ml = new MLContext(seed: 1);
var rows = lines.Select(l => new TextRow { Text = l }).ToList();
var validation = rows.Where((_, i) => i % 10 == 0).ToList();
var train = rows.Where((_, i) => i % 10 != 0).ToList();

// 1. Pre-training. Sizes are tiny on purpose; ElmoConfig.Published is the 2 × 4096/512 model.
var estimator = ml.Transforms.Text.LearnElmo(new LearnElmoOptions
{
    InputColumnName = "Text", OutputColumnName = "Features",
    Model = new ElmoConfig { LstmDim = 64, ProjectionDim = 32, Filters = [[1, 16], [2, 16], [3, 32]], CharEmbeddingDim = 8 },
    Epochs = 4, BatchSize = 16, UnrollSteps = 10, MinCount = 1, SampledSoftmaxSize = 0,    // small vocabulary: full softmax
    NumberOfThreads = 1, ValidationSet = ml.Data.LoadFromEnumerable(validation), ProgressInterval = 1000,
    Progress = new ConsoleProgress(),
});
var model = estimator.Fit(ml.Data.LoadFromEnumerable(train));
var elmo = (ElmoEncoder)model.Encoder;
Console.WriteLine($"learned {elmo.Name}: {elmo.LayerCount} layers of {elmo.Dimension} values");

// 2. Save and reload: the ML.NET zip, and the published format.
string zip = Path.Combine(folder, "elmo-embedding.zip");
ml.Model.Save(model, null, zip);
elmo.SavePublished(folder);
model.Dispose();
var reloadedZip = (ContextualEmbeddingTransformer)new MLContext(seed: 2).Model.Load(zip, out _);
var reloaded = ElmoEncoder.FromFiles(Path.Combine(folder, "options.json"), Path.Combine(folder, "lm_weights.hdf5"));
Console.WriteLine($"saved and reloaded: {zip} ({reloadedZip.Dimension}-d sentence vectors) and {folder}/options.json + lm_weights.hdf5");
reloadedZip.Dispose();

// 3. Nearest contexts of the word, from the reloaded published files.
var occurrences = lines.Distinct().SelectMany(l => Occurrences(l, word)).Take(200).ToList();
if (occurrences.Count < 2)
{
    Console.WriteLine($"'{word}' occurs fewer than twice; nothing to compare.");
    return;
}
var spans = ml.Transforms.Text.ApplyContextualWordEmbedding("Vector", "Text", options: new ContextualWordEmbeddingOptions
{
    Encoder = reloaded, Layers = LayerSelection.Last, Normalize = true,
});
var spanData = ml.Data.LoadFromEnumerable(occurrences);
using var wordModel = spans.Fit(spanData);
var vectors = ml.Data.CreateEnumerable<VectorRow>(wordModel.Transform(spanData), false).Select(v => v.Vector).ToList();
foreach (int q in new[] { 0, 1, 2, 3 }.Where(q => q < occurrences.Count))
{
    Console.WriteLine($"\n\"{occurrences[q].Text}\"  — nearest contexts of '{word}':");
    foreach (var (i, cos) in Enumerable.Range(0, occurrences.Count).Where(i => i != q)
        .Select(i => (i, Dot(vectors[q], vectors[i]))).OrderByDescending(p => p.Item2).Take(3))
        Console.WriteLine($"   {cos:F3}  {occurrences[i].Text}");
}
Directory.Delete(folder, recursive: true);

static IEnumerable<SpanRow> Occurrences(string line, string word)
{
    for (int i = line.IndexOf(word, StringComparison.Ordinal); i >= 0; i = line.IndexOf(word, i + 1, StringComparison.Ordinal))
        if ((i == 0 || !char.IsLetter(line[i - 1])) && (i + word.Length == line.Length || !char.IsLetter(line[i + word.Length])))
            yield return new SpanRow { Text = line, Start = i, Length = word.Length };
}

static float Dot(float[] a, float[] b)
{
    float s = 0;
    for (int i = 0; i < a.Length; i++)
        s += a[i] * b[i];
    return s;
}

internal sealed class TextRow
{
    public string Text { get; set; }
}

internal sealed class SpanRow
{
    public string Text { get; set; }
    public int Start { get; set; }
    public int Length { get; set; }
}

internal sealed class VectorRow
{
    public float[] Vector { get; set; }
}

internal sealed class ConsoleProgress : IProgress<ElmoTrainingProgress>
{
    public void Report(ElmoTrainingProgress p)
    {
        if (p.EpochDone)
            Console.WriteLine($"epoch {p.Epoch}: {p.TokensPerSecond:F0} tokens/s, validation perplexity {p.ValidationPerplexity:F2}");
    }
}

/// <summary>A generated text in which "bank" has two senses, each with its own words on both sides of it.</summary>
internal static class Corpus
{
    private static readonly string[] RiverLeft = ["We sat on the grassy", "The boat drifted to the muddy", "Reeds grow along the", "The children fished from the steep"];
    private static readonly string[] RiverRight = ["of the river .", "near the water .", "by the stream where ducks swim .", "after the flood ."];
    private static readonly string[] MoneyLeft = ["She deposited her salary at the", "He asked the", "The loan came from the", "They phoned the"];
    private static readonly string[] MoneyRight = ["for a loan .", "to lower the interest .", "about her account .", "before paying the mortgage ."];
    private static readonly string[] Other = ["The river flows past the old mill .", "The loan was paid back in ten years .",
        "Water rose over the stones after the rain .", "Interest on the account is paid every month .", "The boat was tied near the mill ."];

    public static List<string> Lines(int count)
    {
        var random = new Random(1);
        string Pick(string[] a) => a[random.Next(a.Length)];
        var lines = new List<string>();
        for (int i = 0; i < count; i++)
            lines.Add((i % 3) switch
            {
                0 => $"{Pick(RiverLeft)} bank {Pick(RiverRight)}",
                1 => $"{Pick(MoneyLeft)} bank {Pick(MoneyRight)}",
                _ => Pick(Other),
            });
        return lines;
    }
}

// Expected output (tokens/s vary with the machine; one run on a busy 2-core box):
// epoch 1: 836 tokens/s, validation perplexity 8.61
// epoch 2: 1484 tokens/s, validation perplexity 2.36
// epoch 3: 1415 tokens/s, validation perplexity 1.52
// epoch 4: 1430 tokens/s, validation perplexity 1.45
// learned elmo-Text: 3 layers of 64 values
// saved and reloaded: /tmp/elmo-sample-XXXX/elmo-embedding.zip (64-d sentence vectors) and /tmp/elmo-sample-XXXX/options.json + lm_weights.hdf5
// 
// "We sat on the grassy bank of the river ."  — nearest contexts of 'bank':
//    0.973  We sat on the grassy bank by the stream where ducks swim .
//    0.970  We sat on the grassy bank after the flood .
//    0.962  We sat on the grassy bank near the water .
// 
// "He asked the bank before paying the mortgage ."  — nearest contexts of 'bank':
//    0.992  He asked the bank about her account .
//    0.990  She deposited her salary at the bank before paying the mortgage .
//    0.988  They phoned the bank before paying the mortgage .
// 
// "The boat drifted to the muddy bank near the water ."  — nearest contexts of 'bank':
//    0.989  The children fished from the steep bank near the water .
//    0.987  The boat drifted to the muddy bank after the flood .
//    0.975  The children fished from the steep bank after the flood .
// 
// "They phoned the bank for a loan ."  — nearest contexts of 'bank':
//    0.990  She deposited her salary at the bank for a loan .
//    0.989  He asked the bank for a loan .
//    0.987  The loan came from the bank for a loan .

// Cross-View Training (Clark et al. 2018), a semi-supervised sequence tagger, on a small named-entity task generated here:
//   1. LearnCrossViewTagger trains a character-CNN + biLSTM tagger three times on the same 150 labelled sentences:
//      supervised only, and with Cross-View Training on 600 unlabelled sentences (auxiliary modules that see only part of
//      each sentence learn to match the primary module's predictions) from the first epoch (the paper) and from epoch 8;
//      entity-level F1 on held-out sentences after each epoch. While the primary module still tags everything O, the
//      consistency loss holds the encoder there too: on this small task CVT from epoch 1 lags far behind, from epoch 8
//      it catches up (bench/RESULTS.md, 4 seeds);
//   2. the CVT tagger is saved as an ML.NET zip, reloaded in a new MLContext and run through a PredictionEngine;
//   3. its encoder serves the token transforms like any contextual encoder (one vector per token).
// Run: dotnet run -c Release --project samples/CrossView        (about 25 s on one thread; no datasets)
// The model is tiny and the data synthetic: the two F1 figures show the mechanics, not the paper's gains
// (bench/RESULTS.md has the CoNLL-2003 commands).
using System.Globalization;
using Microsoft.ML;
using MLNetContextual;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var ml = new MLContext(seed: 1);
var labelled = Corpus.Sentences(150, seed: 1);
var unlabelled = Corpus.Sentences(600, seed: 2).Select(r => new TextRow { Text = r.Text }).ToList();
var dev = Corpus.Sentences(200, seed: 3);

CrossViewTaggerTransformer Train(bool supervisedOnly, int start = 1)
{
    var options = new LearnCrossViewTaggerOptions
    {
        InputColumnName = "Text", TagsColumnName = "Tags", OutputColumnName = "PredictedTags",
        // Tiny sizes on purpose; the default CrossViewConfig is CPU-sized, CrossViewConfig.Published the reference's.
        Model = new CrossViewConfig { WordEmbeddingDim = 16, CharEmbeddingDim = 8, CharFilters = 8, FirstLayerDim = 32, SecondLayerDim = 16, PredictionHiddenDim = 32 },
        Epochs = 20, BatchSize = 16, WarmupSteps = 20, MinCount = 2, NumberOfThreads = 1,
        SupervisedOnly = supervisedOnly, ConsistencyStartEpoch = start, UnlabelledSet = ml.Data.LoadFromEnumerable(unlabelled),
        ValidationSet = ml.Data.LoadFromEnumerable(dev), ProgressInterval = 100_000,
        Progress = new ConsoleProgress(supervisedOnly ? "supervised" : $"CVT from epoch {start}"),
    };
    return ml.Transforms.Text.LearnCrossViewTagger(options).Fit(ml.Data.LoadFromEnumerable(labelled));
}

// 1. Supervised only, then Cross-View Training from the first epoch and from epoch 8.
Train(supervisedOnly: true);
Train(supervisedOnly: false);
var tagger = Train(supervisedOnly: false, start: 8);

// 2. Save, reload in a new MLContext, predict through a PredictionEngine (managed code: no libtorch needed here).
string path = Path.Combine(Path.GetTempPath(), "cross-view-tagger.zip");
ml.Model.Save(tagger, ml.Data.LoadFromEnumerable(labelled).Schema, path);
var fresh = new MLContext();
var loaded = fresh.Model.Load(path, out _);
Console.WriteLine($"saved and reloaded {path} ({new FileInfo(path).Length / 1024} KiB); tags: {string.Join(" ", tagger.Tags)}");
var engine = fresh.Model.CreatePredictionEngine<TextRow, Tagged>(loaded);
foreach (var text in new[] { "Maria Lopez visited Lisbon on Friday .", "Zyxco hired Tomasz Wrobel in Oslo .", "" })
{
    var p = engine.Predict(new TextRow { Text = text });
    Console.WriteLine($"  '{text}' → {string.Join(" ", (p.Tokens ?? []).Zip(p.PredictedTags ?? [], (w, t) => $"{w}/{t}"))}");
}

// 3. The encoder on the seam: [h1; h2] per token, the states the primary module reads.
var tokens = ml.Transforms.Text.ApplyContextualTokenEmbedding("Vectors", "Text", new ContextualTokenEmbeddingOptions { Encoder = tagger.Encoder })
    .Fit(ml.Data.LoadFromEnumerable(unlabelled));
var first = ml.Data.CreateEnumerable<TokenVectors>(tokens.Transform(ml.Data.LoadFromEnumerable(unlabelled.Take(1))), false).First();
Console.WriteLine($"token vectors of '{unlabelled[0].Text}': {first.VectorsTokens.Length} tokens × {tagger.Encoder.Dimension}");
File.Delete(path);

// Expected output (one run on a 2-core machine; the numbers move a little between machines):
//   supervised epoch 10: … dev F1 0.903     supervised epoch 20: … dev F1 1.000
//   CVT from epoch 1 epoch 10: … dev F1 0.000     CVT from epoch 1 epoch 20: … dev F1 0.456
//   CVT from epoch 8 epoch 10: … dev F1 0.769     CVT from epoch 8 epoch 20: … dev F1 1.000
//   saved and reloaded /tmp/cross-view-tagger.zip (140 KiB); tags: B-LOC B-ORG B-PER I-ORG I-PER O
//     'Maria Lopez visited Lisbon on Friday .' → Maria/B-PER Lopez/I-PER visited/O Lisbon/B-LOC on/O Friday/O ./O
//     'Zyxco hired Tomasz Wrobel in Oslo .' → Zyxco/B-ORG hired/O Tomasz/B-PER Wrobel/I-PER in/O Oslo/B-LOC ./O
//     '' →
//   token vectors of 'the Loraco office in Oslo opened on Tuesday .': 9 tokens × 96

internal sealed class TextRow
{
    public string Text { get; set; }
}

internal sealed class LabelledRow
{
    public string Text { get; set; }
    public string Tags { get; set; }
}

internal sealed class Tagged
{
    public string[] PredictedTags { get; set; }
    [Microsoft.ML.Data.ColumnName("PredictedTagsTokens")]
    public string[] Tokens { get; set; }
}

internal sealed class TokenVectors
{
    public float[] Vectors { get; set; }
    public string[] VectorsTokens { get; set; }
}

internal sealed class ConsoleProgress(string name) : IProgress<CrossViewTrainingProgress>
{
    public void Report(CrossViewTrainingProgress p)
    {
        if (p.EpochDone)
            Console.WriteLine($"{name} epoch {p.Epoch}: supervised loss {p.SupervisedLoss:F3}" + (p.ConsistencyLoss is double c ? $", consistency loss {c:F3}" : "") +
                $", dev accuracy {p.ValidationAccuracy:F3}, dev F1 {p.ValidationF1:F3}");
    }
}

/// <summary>Sentences about people, places and organisations with IOB2 tags; names are drawn from syllables, so the
/// held-out sentences are full of names never seen in training (the character CNN and the context must do the work).</summary>
internal static class Corpus
{
    private static readonly string[] First = ["Anna", "John", "Maria", "Peter", "Li", "Omar", "Sofia", "Ivan", "Grace", "Kenji"];
    private static readonly string[] Syllables = ["ka", "lo", "mi", "ter", "son", "ber", "ri", "an", "vo", "del", "ston", "ra"];
    private static readonly string[] Places = ["Paris", "Lisbon", "Oslo", "Cairo", "Lima", "Kyoto", "Dublin", "Quito"];
    private static readonly string[] Days = ["Monday", "Friday", "Sunday", "Tuesday"];

    public static List<LabelledRow> Sentences(int count, int seed)
    {
        var random = new Random(seed);
        string Pick(string[] a) => a[random.Next(a.Length)];
        string Word(int parts) => string.Concat(Enumerable.Range(0, parts).Select(_ => Pick(Syllables)));
        string Cap(string w) => char.ToUpperInvariant(w[0]) + w[1..];
        (string, string)[] Person() => random.Next(2) == 0 ? [(Pick(First), "B-PER"), (Cap(Word(2)), "I-PER")] : [(Cap(Word(2)), "B-PER")];
        (string, string)[] Place() => random.Next(2) == 0 ? [(Pick(Places), "B-LOC")] : [(Cap(Word(2)), "B-LOC")];
        (string, string)[] Org() => random.Next(2) == 0 ? [(Cap(Word(2)) + "co", "B-ORG")] : [(Cap(Word(2)), "B-ORG"), ("Bank", "I-ORG")];
        (string, string)[] O(params string[] words) => words.Select(w => (w, "O")).ToArray();
        var rows = new List<LabelledRow>();
        for (int i = 0; i < count; i++)
        {
            var parts = random.Next(4) switch
            {
                0 => [.. Person(), .. O("visited"), .. Place(), .. O("on", Pick(Days), ".")],
                1 => [.. Org(), .. O("hired"), .. Person(), .. O("in"), .. Place(), .. O(".")],
                2 => [.. Person(), .. O("works", "for"), .. Org(), .. O(".")],
                _ => (IEnumerable<(string, string)>)[.. O("the"), .. Org(), .. O("office", "in"), .. Place(), .. O("opened", "on", Pick(Days), ".")],
            };
            var list = parts.ToList();
            rows.Add(new LabelledRow { Text = string.Join(' ', list.Select(p => p.Item1)), Tags = string.Join(' ', list.Select(p => p.Item2)) });
        }
        return rows;
    }
}

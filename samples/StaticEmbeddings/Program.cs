// Static word vectors, one section per catalog method:
//   1. LearnWord2Vec            learns skip-gram vectors from a token column during Fit;
//   2. LearnGloVe               learns GloVe vectors the same way;
//   3. ApplyStaticWordEmbedding maps tokens to vectors loaded with StaticEmbeddings.Load (here: the word2vec vectors of
//                               step 1, exported to a word2vec text file).
// Each learned or loaded StaticEmbeddings answers MostSimilar, Similarity and Analogy, and every fitted pipeline is saved
// as a .zip with the vectors inside and reloaded in a fresh MLContext. The corpus is generated below (900 sentences,
// deterministic); single-threaded training makes the output reproducible. Runs in a few seconds.
// Run: dotnet run -c Release --project samples/StaticEmbeddings
using System.Globalization;
using Microsoft.ML;
using MLNetContextual;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var ml = new MLContext(seed: 1);
var data = ml.Data.LoadFromEnumerable(Corpus.Sentences(900));
var folder = Directory.CreateTempSubdirectory("static-embeddings-sample-").FullName;
var tokenize = ml.Transforms.Text.NormalizeText("Normalized", "Text")       // lower case
    .Append(ml.Transforms.Text.TokenizeIntoWords("Tokens", "Normalized"));  // Vector<String>, what the learners read

try
{
    // 1. word2vec (skip-gram, negative sampling), learned during Fit.
    var word2vec = tokenize.Append(ml.Transforms.Text.LearnWord2Vec("Features", "Tokens", new Word2VecOptions
    {
        Model = Word2VecModel.SkipGram, Dimension = 32, Window = 4, Negative = 5, MinCount = 2, Epochs = 10, NumberOfThreads = 1,
        Sample = 0,   // no frequent-word subsampling: in 7,000 tokens every word counts as frequent
    })).Fit(data);
    var w2v = word2vec.LastTransformer.Embeddings;
    Console.WriteLine($"word2vec: {w2v}");
    Show(w2v);
    SaveAndReload(word2vec, data, "word2vec.zip");

    // 2. GloVe (co-occurrence counts, AdaGrad), learned during Fit. x_max 10 suits a small corpus (the reference's demo).
    var glove = tokenize.Append(ml.Transforms.Text.LearnGloVe("Features", "Tokens", new GloVeOptions
    {
        Dimension = 32, Window = 5, XMax = 10, Epochs = 50, MinCount = 2, NumberOfThreads = 1,
    })).Fit(data);
    var gloveVectors = glove.LastTransformer.Embeddings;
    Console.WriteLine($"GloVe: {gloveVectors}");
    Show(gloveVectors);
    SaveAndReload(glove, data, "glove.zip");

    // 3. Vectors from a file: word2vec text, word2vec binary, GloVe text or fastText .vec, detected automatically.
    string vectorFile = Path.Combine(folder, "vectors.txt");
    w2v.SaveWord2VecText(vectorFile);
    var loaded = StaticEmbeddings.Load(vectorFile);
    Console.WriteLine($"Loaded {Path.GetFileName(vectorFile)}: {loaded} ({loaded.SourceFormat})");
    var apply = tokenize.Append(ml.Transforms.Text.ApplyStaticWordEmbedding("Features", "Tokens", loaded)).Fit(data);
    File.Delete(vectorFile);   // the saved model does not need the file: the vectors are inside the .zip
    SaveAndReload(apply, data, "loaded.zip");
}
finally
{
    Directory.Delete(folder, recursive: true);
}


void Show(StaticEmbeddings e)
{
    foreach (var word in new[] { "cat", "car", "paris" })
        Console.WriteLine($"  nearest to {word,-5}: " + string.Join(", ", e.MostSimilar(word, 3).Select(n => $"{n.Word} {n.Similarity:F2}")));
    Console.WriteLine($"  similarity cat–dog {e.Similarity("cat", "dog"):F2}, cat–truck {e.Similarity("cat", "truck"):F2}");
    var answer = e.Analogy("paris", "france", "rome")[0];
    Console.WriteLine($"  paris : france = rome : {answer.Word} ({answer.Similarity:F2})");
}

void SaveAndReload(ITransformer model, IDataView trainData, string name)
{
    string zip = Path.Combine(folder, name);
    ml.Model.Save(model, trainData.Schema, zip);
    var fresh = new MLContext();   // as another process would: only the .zip
    var reloaded = fresh.Model.Load(zip, out _);
    var probe = ml.Data.LoadFromEnumerable(new[] { new Sentence { Text = "The cat sleeps in Paris" }, new Sentence { Text = "zzz qqq" } });
    var before = Features(ml, model.Transform(probe));
    var after = Features(fresh, reloaded.Transform(probe));
    bool same = before.Zip(after).All(p => p.First.AsSpan().SequenceEqual(p.Second));
    Console.WriteLine($"  saved {name} ({new FileInfo(zip).Length / 1024} KB), reloaded: {(same ? "identical" : "DIFFERENT")} features; " +
                      $"\"The cat sleeps in Paris\" → [{string.Join(", ", before[0].Take(3).Select(x => x.ToString("F2")))}, …] ({before[0].Length} floats), " +
                      $"unknown words only → all zero: {before[1].All(x => x == 0)}");
}

static List<float[]> Features(MLContext ml, IDataView view) =>
    ml.Data.CreateEnumerable<FeaturesRow>(view, reuseRowObject: false).Select(r => r.Features).ToList();

internal sealed class Sentence
{
    public string Text { get; set; }
}

internal sealed class FeaturesRow
{
    public float[] Features { get; set; }
}

/// <summary>
/// Sentences about animals, vehicles and countries with their capitals: words of a group share context words, and each
/// country shares a word with its capital ("french" for france and paris), so country − capital is about the same
/// offset for every pair.
/// </summary>
internal static class Corpus
{
    private static readonly string[] Animals = ["cat", "dog", "horse", "cow", "sheep"];
    private static readonly string[] AnimalWords = ["eats", "sleeps", "runs", "feeds", "barn", "fur", "grass", "farm"];
    private static readonly string[] Vehicles = ["car", "bus", "truck", "van", "train"];
    private static readonly string[] VehicleWords = ["drives", "road", "engine", "fuel", "wheels", "garage", "parks", "brakes"];
    private static readonly (string Country, string Capital, string People, string River)[] Places =
    [
        ("france", "paris", "french", "seine"), ("italy", "rome", "italian", "tiber"), ("spain", "madrid", "spanish", "tagus"),
        ("germany", "berlin", "german", "rhine"), ("japan", "tokyo", "japanese", "sumida"),
    ];
    private static readonly string[] Fillers = ["the", "a", "and", "then", "today", "often", "near", "with"];

    public static IEnumerable<Sentence> Sentences(int count)
    {
        var rng = new Random(42);
        string Pick(string[] words) => words[rng.Next(words.Length)];
        for (int i = 0; i < count; i++)
        {
            string text = (i % 3) switch
            {
                0 => $"{Pick(Fillers)} {Pick(Animals)} {Pick(AnimalWords)} {Pick(AnimalWords)} {Pick(Fillers)} {Pick(AnimalWords)} {Pick(AnimalWords)}",
                1 => $"{Pick(Fillers)} {Pick(Vehicles)} {Pick(VehicleWords)} {Pick(VehicleWords)} {Pick(Fillers)} {Pick(VehicleWords)} {Pick(VehicleWords)}",
                _ => Place(rng.Next(Places.Length), rng.Next(4)),
            };
            yield return new Sentence { Text = char.ToUpperInvariant(text[0]) + text[1..] };
        }

        string Place(int p, int form)
        {
            var (country, capital, people, river) = Places[p];
            return form switch
            {
                0 => $"the {people} country {country} and the {river} river in {people} lands",
                1 => $"the {people} city {capital} and the {river} river in {people} streets",
                2 => $"{river} water runs through {country} the {people} nation",
                _ => $"{river} water runs through {capital} the {people} capital",
            };
        }
    }
}

// Expected output (single-threaded training is deterministic; on 7,000 generated tokens word2vec groups the words
// cleanly and solves the analogy, GloVe, made for counts over large corpora, only partly):
//   word2vec: StaticEmbeddings(64 words × 32)
//     nearest to cat  : horse 1.00, dog 0.99, feeds 0.99
//     nearest to car  : van 0.99, train 0.99, bus 0.99
//     nearest to paris: france 0.95, tokyo 0.93, berlin 0.93
//     similarity cat–dog 0.99, cat–truck 0.37
//     paris : france = rome : italy (0.99)
//     saved word2vec.zip (9 KB), reloaded: identical features; "The cat sleeps in Paris" → [0.29, 0.26, -0.48, …] (32 floats), unknown words only → all zero: True
//   GloVe: StaticEmbeddings(64 words × 32)
//     nearest to cat  : sleeps 0.84, barn 0.81, drives 0.78
//     nearest to car  : with 0.87, eats 0.87, train 0.84
//     nearest to paris: rome 1.00, france 0.98, spain 0.98
//     similarity cat–dog 0.59, cat–truck -0.34
//     paris : france = rome : spain (0.99)
//     saved glove.zip (9 KB), reloaded: identical features; "The cat sleeps in Paris" → [-0.04, 0.06, 0.08, …] (32 floats), unknown words only → all zero: True
//   Loaded vectors.txt: StaticEmbeddings(64 words × 32) (Word2VecText)
//     saved loaded.zip (9 KB), reloaded: identical features; "The cat sleeps in Paris" → [0.29, 0.26, -0.48, …] (32 floats), unknown words only → all zero: True

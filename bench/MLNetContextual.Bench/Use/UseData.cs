using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetContextual.Bench.Embedding;

namespace MLNetContextual.Bench.Use;

/// <summary>The shared data the USE runners train and evaluate on, and the cached MiniLM teacher vectors.</summary>
internal static class UseData
{
    public sealed class Pair { public string Premise { get; set; } public string Hypothesis { get; set; } public string Label { get; set; } }
    public sealed class Scored { public string Sentence1 { get; set; } public string Sentence2 { get; set; } public float Score { get; set; } }
    public sealed class Response { public string Input { get; set; } [ColumnName("Response")] public string Answer { get; set; } }
    public sealed class Teacher { public string Text { get; set; } [VectorType(384)] public float[] Vector { get; set; } }

    /// <summary>SNLI dev + test (the only splits here), gold label "-" dropped.</summary>
    public static List<Pair> Snli() =>
        new[] { "dev.tsv", "test.tsv" }.SelectMany(f => File.ReadLines(Datasets.File("snli", f)).Skip(1))
            .Select(l => l.Split('\t')).Where(f => f.Length >= 3 && f[2] != "-")
            .Select(f => new Pair { Premise = f[0].Trim(), Hypothesis = f[1].Trim(), Label = f[2].Trim() }).ToList();

    /// <summary>STS-B train (never dev: that is the validation set).</summary>
    public static List<Scored> StsTrain() => Sts("sts-train.csv");
    public static List<Scored> StsDev() => Sts("sts-dev.csv");

    private static List<Scored> Sts(string file) => File.ReadLines(Datasets.File("stsb", file)).Where(l => l.Length > 0)
        .Select(l => l.Split('\t')).Where(f => f.Length >= 7)
        .Select(f => new Scored { Sentence1 = f[5], Sentence2 = f[6], Score = float.Parse(f[4], CultureInfo.InvariantCulture) }).ToList();

    /// <summary>SQuAD v1.1 train subset: question → the context sentence that holds the first answer.</summary>
    public static List<Response> SquadAnswerSentences()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Datasets.File("squad-v1.1", "train-subset-44articles.json")));
        var rows = new List<Response>();
        foreach (var article in doc.RootElement.GetProperty("data").EnumerateArray())
            foreach (var p in article.GetProperty("paragraphs").EnumerateArray())
            {
                string context = p.GetProperty("context").GetString();
                var bounds = SentenceStarts(context);
                foreach (var qa in p.GetProperty("qas").EnumerateArray())
                {
                    var answers = qa.GetProperty("answers");
                    if (answers.GetArrayLength() == 0)
                        continue;
                    int start = answers[0].GetProperty("answer_start").GetInt32();
                    int s = bounds.FindLastIndex(b => b <= start);
                    int end = s + 1 < bounds.Count ? bounds[s + 1] : context.Length;
                    rows.Add(new Response { Input = qa.GetProperty("question").GetString(), Answer = context[bounds[s]..end].Trim() });
                }
            }
        return rows;
    }

    private static List<int> SentenceStarts(string text)
    {
        var starts = new List<int> { 0 };
        for (int i = 1; i + 1 < text.Length; i++)
            if (text[i] == ' ' && text[i - 1] is '.' or '?' or '!' && char.IsUpper(text[i + 1]))
                starts.Add(i + 1);
        return starts;
    }

    /// <summary>Brown corpus (one sentence per line): sentence → next sentence, the first <paramref name="count"/> pairs.</summary>
    public static List<Response> BrownNeighbours(int count)
    {
        var lines = File.ReadLines(Datasets.File("english-corpus", "brown", "brown.txt")).Select(l => l.Trim()).Where(l => l.Length > 0).Take(count + 1).ToList();
        return Enumerable.Range(0, lines.Count - 1).Select(i => new Response { Input = lines[i], Answer = lines[i + 1] }).ToList();
    }

    /// <summary>The distillation sentences: STS-B train's, then SNLI's and Brown's, distinct, the first <paramref name="count"/>.</summary>
    public static List<string> DistillationTexts(int count) =>
        StsTrain().SelectMany(p => new[] { p.Sentence1, p.Sentence2 })
            .Concat(Snli().SelectMany(p => new[] { p.Premise, p.Hypothesis }))
            .Concat(BrownNeighbours(count).Select(r => r.Input))
            .Distinct().Take(count).ToList();

    /// <summary>MiniLM vectors (mean pooling, ApplyContextualEmbedding's defaults) of <paramref name="texts"/>, cached in
    /// <paramref name="cache"/> (float32 rows, with a .txt of the texts to check it belongs to them).</summary>
    public static float[][] MiniLM(IReadOnlyList<string> texts, string cache)
    {
        string textsFile = cache + ".txt";
        if (File.Exists(cache) && File.Exists(textsFile) && File.ReadAllLines(textsFile).SequenceEqual(texts.Select(OneLine)))
        {
            var bytes = File.ReadAllBytes(cache);
            var all = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
            Console.WriteLine($"teacher vectors: {texts.Count} from cache {cache}");
            return Enumerable.Range(0, texts.Count).Select(i => all.AsSpan(i * 384, 384).ToArray()).ToArray();
        }
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var vectors = Embed(ml => ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text"), texts);
        Console.WriteLine($"teacher vectors: {texts.Count} MiniLM embeddings in {sw.Elapsed.TotalSeconds:F0} s, cached to {cache}");
        using (var f = File.Create(cache))
            foreach (var v in vectors)
                f.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(v.AsSpan()));
        File.WriteAllLines(textsFile, texts.Select(OneLine));
        return vectors;
    }

    private static string OneLine(string s) => s.Replace('\n', ' ').Replace('\r', ' ');

    /// <summary>Vectors of <paramref name="texts"/> through an estimator's fitted transformer (row order kept).</summary>
    public static float[][] Embed(Func<MLContext, IEstimator<ITransformer>> estimator, IReadOnlyList<string> texts)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(texts.Select(t => new TextRow { Text = t }));
        var model = estimator(ml).Fit(data);
        var result = Embed(model, texts);
        (model as IDisposable)?.Dispose();
        return result;
    }

    public static float[][] Embed(ITransformer model, IReadOnlyList<string> texts)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(texts.Select(t => new TextRow { Text = t }));
        var result = new List<float[]>(texts.Count);
        using var cursor = model.Transform(data).GetRowCursor(model.GetOutputSchema(data.Schema).Where(c => c.Name == "Features"));
        var getter = cursor.GetGetter<VBuffer<float>>(cursor.Schema["Features"]);
        VBuffer<float> v = default;
        while (cursor.MoveNext())
        {
            getter(ref v);
            result.Add(v.DenseValues().ToArray());
        }
        return result.ToArray();
    }

    /// <summary>Spearman of cosine and of angular similarity on STS-B dev.</summary>
    public static (double Cosine, double Angular) StsDevSpearman(Func<IReadOnlyList<string>, float[][]> embed)
    {
        var pairs = StsDev();
        var u = embed(pairs.Select(p => p.Sentence1).ToList());
        var v = embed(pairs.Select(p => p.Sentence2).ToList());
        var gold = pairs.Select(p => (double)p.Score).ToArray();
        var cos = pairs.Select((_, i) => UseSimilarity.Cosine(u[i], v[i])).ToArray();
        var ang = pairs.Select((_, i) => UseSimilarity.Angular(u[i], v[i])).ToArray();
        return (Correlation.Spearman(cos, gold), Correlation.Spearman(ang, gold));
    }
}

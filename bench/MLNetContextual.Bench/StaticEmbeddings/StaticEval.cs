using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML;

namespace MLNetContextual.Bench.StaticEmbeddings;

/// <summary>
/// Verb <c>static-eval</c>: word-similarity Spearman (WS-353, SimLex-999, MEN) of the shipped GloVe 6B 50d subset, of
/// word2vec (skip-gram, CBOW) and GloVe learned on the shared English corpus, and of random vectors; training speed and
/// peak memory. Each configuration runs in a child process so that its peak working set is its own.
/// Usage: static-eval [--threads N] [--only a,b] [--no-write]; a child is started as static-eval --run NAME --threads N.
/// </summary>
internal static class StaticEval
{
    private const string Heading = "## Static embeddings (issue 4)";
    private static readonly string[] Configs = ["glove-6B-50d-10k", "random-100d", "word2vec-sg", "word2vec-cbow", "glove-50d", "glove-50d-64mb"];
    private static readonly string[] Probes = ["king", "money", "ship", "good", "france"];

    private sealed record Result(string Name, string Description, double FitSeconds, double CpuSeconds, long TrainedWords, double WordsPerSecond,
        double PeakMegabytes, int Vocabulary, int Dimension, List<WordSimilarity.Score> Scores, Dictionary<string, string> Neighbours,
        string ZipPath = null, List<float[]> ProbeOutputs = null, string Reload = null);

    /// <summary>Rows pushed through the fitted pipeline before saving and again after loading in a fresh process.</summary>
    private static readonly EnglishCorpus.Row[] ProbeRows =
    [
        new() { Tokens = ["the", "king", "and", "the", "queen"] },
        new() { Tokens = ["oil", "prices", "rose", "sharply", "xyzzyunknown"] },
        new() { Tokens = ["xyzzyunknown"] },
    ];

    public static int Run(string[] args)
    {
        int threads = IntArg(args, "--threads", 2);
        string run = StringArg(args, "--run");
        if (run != null) return RunOne(run, threads);
        if (StringArg(args, "--dump-corpus") is string dump) return DumpCorpus(dump);
        if (StringArg(args, "--score-file") is string file) return ScoreFile(file);
        if (StringArg(args, "--check-zip") is string zip) return CheckZip(zip);

        var only = StringArg(args, "--only")?.Split(',') ?? Configs;
        var results = new List<Result>();
        foreach (var name in only)
        {
            Console.Error.WriteLine($"[static-eval] {name} …");
            var result = RunChild(name, threads);
            if (result == null) return 1;
            if (result.ZipPath != null)
            {
                var reloaded = RunChild(null, threads, ["static-eval", "--check-zip", result.ZipPath]);
                bool same = reloaded != null && reloaded.ProbeOutputs.Count == result.ProbeOutputs.Count
                    && reloaded.ProbeOutputs.Zip(result.ProbeOutputs).All(p => p.First.AsSpan().SequenceEqual(p.Second));
                result = result with { Reload = same ? "identical" : "DIFFERENT" };
                File.Delete(result.ZipPath);
            }
            results.Add(result);
            Console.Error.WriteLine($"[static-eval] {name}: {string.Join(", ", result.Scores.Select(s => $"{s.Dataset} {s.Spearman:F3}"))}; {result.FitSeconds:F1} s, {result.PeakMegabytes:F0} MB");
        }
        string command = "dotnet run -c Release --project bench/MLNetContextual.Bench -- static-eval " + string.Join(' ', args);
        string section = Render(results, command.TrimEnd(), threads);
        Console.WriteLine(section);
        if (!args.Contains("--no-write")) WriteSection(section);
        return 0;
    }

    private static Result RunChild(string name, int threads, string[] childArgs = null)
    {
        var self = Environment.ProcessPath;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(StaticEval).Assembly.Location);
        foreach (var a in childArgs ?? ["static-eval", "--run", name, "--threads", threads.ToString(CultureInfo.InvariantCulture)]) start.ArgumentList.Add(a);
        using var child = Process.Start(start);
        string output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
        if (child.ExitCode != 0 || line == null)
        {
            Console.Error.WriteLine($"[static-eval] {name} failed (exit {child.ExitCode}):\n{output}");
            return null;
        }
        return JsonSerializer.Deserialize<Result>(line["RESULT ".Length..]);
    }

    private static int RunOne(string name, int threads)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(EnglishCorpus.Rows());   // re-read from disk on every cursor: streamed
        var clock = Stopwatch.StartNew();
        MLNetContextual.StaticEmbeddings embeddings;
        StaticWordEmbeddingTransformer model = null;
        string description;
        int epochs = 0;
        switch (name)
        {
            case "glove-6B-50d-10k":
                embeddings = MLNetContextual.StaticEmbeddings.Load(Datasets.File("glove-6B-50d-10k", "glove.6B.50d.10k.txt"));
                description = "shipped Stanford GloVe 6B (Wikipedia+Gigaword, 6B tokens), 50d, top 10k words; load time";
                break;
            case "random-100d":
                embeddings = RandomVectors(data, 100);
                description = "random Gaussian vectors, 100d, for the corpus vocabulary (MinCount 5)";
                break;
            case "word2vec-sg":
            case "word2vec-cbow":
                var w2v = new Word2VecOptions
                {
                    Model = name.EndsWith("sg") ? Word2VecModel.SkipGram : Word2VecModel.Cbow,
                    Dimension = 100, Window = 5, Negative = 5, MinCount = 5, Sample = 1e-3, Epochs = 5, NumberOfThreads = threads,
                };
                epochs = w2v.Epochs;
                model = ml.Transforms.Text.LearnWord2Vec("Features", "Tokens", w2v).Fit(data);
                embeddings = model.Embeddings;
                description = $"LearnWord2Vec {w2v.Model}, dim 100, window 5, negative 5, min-count 5, sample 1e-3, 5 epochs, {threads} threads";
                break;
            case "glove-50d":
            case "glove-50d-64mb":
                var glove = new GloVeOptions { Dimension = 50, Window = 15, XMax = 100, Alpha = 0.75, Epochs = 25, MinCount = 5, NumberOfThreads = threads };
                if (name.EndsWith("-64mb")) glove.MaxCooccurrenceMemoryMB = 64;
                epochs = 1;   // the corpus is read once for the counts; speed is reported per corpus word
                model = ml.Transforms.Text.LearnGloVe("Features", "Tokens", glove).Fit(data);
                embeddings = model.Embeddings;
                description = $"LearnGloVe dim 50, window 15, x_max 100, alpha 0.75, 25 epochs, min-count 5, {threads} threads, MaxCooccurrenceMemoryMB {glove.MaxCooccurrenceMemoryMB}"
                    + (name.EndsWith("-64mb") ? " (counts spill to temporary files; records shuffled on disk and streamed every epoch)" : " (default)");
                break;
            default:
                Console.Error.WriteLine($"unknown configuration '{name}'; known: {string.Join(", ", Configs)}");
                return 2;
        }
        double seconds = clock.Elapsed.TotalSeconds;
        var process = Process.GetCurrentProcess();
        double cpu = process.TotalProcessorTime.TotalSeconds;
        double peak = process.PeakWorkingSet64 / (1024.0 * 1024.0);

        string zip = null;
        List<float[]> probes = null;
        if (model != null)
        {
            zip = Path.Combine(Path.GetTempPath(), $"static-eval-{name}-{Guid.NewGuid():N}.zip");
            ml.Model.Save(model, data.Schema, zip);
            probes = Probe(ml, model);
        }

        long inVocab = 0;
        if (epochs > 0)
            foreach (var row in EnglishCorpus.Rows())
                foreach (var t in row.Tokens)
                    if (embeddings.Contains(t)) inVocab++;
        long trained = inVocab * epochs;

        var scores = WordSimilarity.Sets.Select(s => WordSimilarity.Evaluate(embeddings, s.Name, s.File)).ToList();
        var neighbours = Probes.Where(embeddings.Contains).ToDictionary(p => p,
            p => string.Join(", ", embeddings.MostSimilar(p, 5).Select(n => n.Word)));
        var result = new Result(name, description, seconds, cpu, trained, trained > 0 ? trained / seconds : 0, peak,
            embeddings.Count, embeddings.Dimension, scores, neighbours, zip, probes);
        Console.WriteLine("RESULT " + JsonSerializer.Serialize(result));
        return 0;
    }

    private static List<float[]> Probe(MLContext ml, ITransformer model) =>
        ml.Data.CreateEnumerable<FeaturesRow>(model.Transform(ml.Data.LoadFromEnumerable(ProbeRows)), reuseRowObject: false)
            .Select(r => r.Features).ToList();

    private sealed class FeaturesRow
    {
        public float[] Features { get; set; }
    }

    /// <summary>Loads a saved pipeline in this (fresh) process and prints its outputs for the probe rows.</summary>
    private static int CheckZip(string zip)
    {
        var ml = new MLContext(seed: 3);
        var model = ml.Model.Load(zip, out _);
        var result = new Result("reload", zip, 0, 0, 0, 0, 0, 0, 0, [], [], null, Probe(ml, model));
        Console.WriteLine("RESULT " + JsonSerializer.Serialize(result));
        return 0;
    }

    /// <summary>Writes the tokenized corpus one row per line, to train the original C tools on exactly the same tokens.</summary>
    private static int DumpCorpus(string path)
    {
        using var writer = new StreamWriter(path) { NewLine = "\n" };
        foreach (var row in EnglishCorpus.Rows()) writer.WriteLine(string.Join(' ', row.Tokens));
        return 0;
    }

    /// <summary>Scores a vector file (any format <see cref="MLNetContextual.StaticEmbeddings.Load(string, StaticEmbeddingsFormat)"/> reads).</summary>
    private static int ScoreFile(string path)
    {
        var embeddings = MLNetContextual.StaticEmbeddings.Load(path);
        Console.WriteLine($"{path}: {embeddings.Count} words × {embeddings.Dimension}, {embeddings.SourceFormat}");
        foreach (var (name, file) in WordSimilarity.Sets)
        {
            var score = WordSimilarity.Evaluate(embeddings, name, file);
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0}: {1:F3} ({2} / {3})", name, score.Spearman, score.Pairs, score.Skipped));
        }
        return 0;
    }

    private static MLNetContextual.StaticEmbeddings RandomVectors(IDataView data, int dim)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in EnglishCorpus.Rows())
            foreach (var t in row.Tokens)
                counts[t] = counts.GetValueOrDefault(t) + 1;
        var words = counts.Where(kv => kv.Value >= 5).Select(kv => kv.Key).ToArray();
        var rng = new Random(1);
        var vectors = new float[words.Length * dim];
        for (int i = 0; i < vectors.Length; i++)
            vectors[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        return new MLNetContextual.StaticEmbeddings(words, vectors, dim);
    }

    private static string Render(List<Result> results, string command, int threads)
    {
        var s = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        s.AppendLine(Heading).AppendLine();
        s.AppendLine($"Measured {DateTime.UtcNow:yyyy-MM-dd} on this machine ({Environment.ProcessorCount} cores, shared with other builds; .NET {Environment.Version}), {threads} training threads:");
        s.AppendLine().AppendLine("```").AppendLine(command).AppendLine("```").AppendLine();
        s.AppendLine("Corpus: `shared/datasets/english-corpus` (Gutenberg selections, Brown, Reuters-21578 train+test), lower-cased, tokens = runs of letters/digits, " +
                     "one row per Gutenberg paragraph / Brown sentence / Reuters document, streamed from disk through an IDataView cursor on every pass. " +
                     "Spearman ρ of cosine similarity vs. human scores; `n` pairs evaluated, `oov` pairs skipped because a word has no vector.").AppendLine();
        s.AppendLine("| vectors | vocab | dim | WS-353 ρ (n / oov) | SimLex-999 ρ (n / oov) | MEN ρ (n / oov) | fit wall | fit CPU | words/s wall | words/CPU-s | peak memory |");
        s.AppendLine("|---|---:|---:|---|---|---|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            string Cell(string set)
            {
                var x = r.Scores.First(sc => sc.Dataset == set);
                return string.Format(ci, "{0:F3} ({1} / {2})", x.Spearman, x.Pairs, x.Skipped);
            }
            s.AppendLine(string.Format(ci, "| {0} | {1:N0} | {2} | {3} | {4} | {5} | {6:F1} s | {7:F1} s | {8} | {9} | {10:F0} MB |",
                r.Name, r.Vocabulary, r.Dimension, Cell("WS-353"), Cell("SimLex-999"), Cell("MEN"), r.FitSeconds, r.CpuSeconds,
                r.WordsPerSecond > 0 ? r.WordsPerSecond.ToString("N0", ci) : "–",
                r.TrainedWords > 0 ? (r.TrainedWords / r.CpuSeconds).ToString("N0", ci) : "–", r.PeakMegabytes));
        }
        s.AppendLine();
        foreach (var r in results)
            s.AppendLine($"- `{r.Name}`: {r.Description}." + (r.Reload != null ? $" Saved pipeline reloaded in a fresh process: outputs {r.Reload}." : ""));
        s.AppendLine();
        s.AppendLine("Fit CPU is the process's total processor time up to the end of Fit (both threads, plus the corpus reading and tokenizing on the cursor thread); " +
                     "words/s counts vocabulary-word occurrences × epochs (GloVe: × 1, one pass over the corpus) as word2vec.c does. Peak memory is the process's peak working set (the .NET runtime and ML.NET included).");
        s.AppendLine();
        s.AppendLine("Nearest neighbours (cosine, top 5):").AppendLine();
        foreach (var r in results.Where(r => r.Neighbours.Count > 0))
            s.AppendLine($"- `{r.Name}`: " + string.Join("; ", r.Neighbours.Select(kv => $"**{kv.Key}** → {kv.Value}")));
        return s.ToString();
    }

    private static void WriteSection(string section)
    {
        string path = FindResultsFile();
        string text = File.Exists(path) ? File.ReadAllText(path) : "# Benchmark and evaluation results\n";
        int start = text.IndexOf(Heading, StringComparison.Ordinal);
        string note = ReadNote(text, start);
        string body = section.TrimEnd() + "\n" + (note ?? "") + "\n";
        if (start < 0) text = text.TrimEnd() + "\n\n" + body;
        else
        {
            int end = text.IndexOf("\n## ", start + Heading.Length, StringComparison.Ordinal);
            text = text[..start] + body + (end < 0 ? "" : text[(end + 1)..]);
        }
        File.WriteAllText(path, text);
        Console.Error.WriteLine($"[static-eval] wrote {path}");
    }

    /// <summary>Keeps the hand-written commentary after the generated part (from the "### Notes" line to the section end).</summary>
    private static string ReadNote(string text, int start)
    {
        if (start < 0) return null;
        int end = text.IndexOf("\n## ", start + Heading.Length, StringComparison.Ordinal);
        string section = end < 0 ? text[start..] : text[start..(end + 1)];
        int note = section.IndexOf("\n### Notes", StringComparison.Ordinal);
        return note < 0 ? null : section[note..].TrimEnd() + "\n";
    }

    private static string FindResultsFile()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MLNetContextual.sln")))
                return Path.Combine(dir.FullName, "bench", "RESULTS.md");
        throw new DirectoryNotFoundException("MLNetContextual.sln not found above the bench binary.");
    }

    private static int IntArg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string StringArg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}

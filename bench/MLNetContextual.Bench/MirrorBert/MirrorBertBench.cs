using System.Diagnostics;
using Microsoft.ML;
using MLNetContextual.Bench.Embedding;
using MLNetContextual.Bench.Use;

namespace MLNetContextual.Bench.MirrorBert;

/// <summary>
/// <c>mirror-bert [--rows 10000] [--batch 200] [--epochs 1] [--max-tokens 50] [--lr 2e-5] [--temperature 0.04]
/// [--span 5] [--pooling mean|cls] [--source stsb|brown] [--encoder minilm|&lt;Hugging Face folder&gt;|&lt;.onnx or export folder&gt;]
/// [--seed 42] [--threads cores] [--eval 1] [--out mirror-bert.zip]</c>: trains Mirror-BERT on the first <c>rows</c> of a seeded
/// shuffle of distinct STS-B train sentences (the reference's corpus; never STS-B dev) or Brown sentences, and prints
/// STS-B dev Spearman (cosine of the pooled vectors) of the starting encoder and of the trained one after a save and a
/// reload in a new MLContext, the loss curve, the time and the peak working set (<c>--eval 0</c>: training only, for memory checks).
/// </summary>
internal static class MirrorBertBench
{
    public static int Run(string[] args)
    {
        var a = new BenchArgs(args);
        int rows = a.Int("rows", 10000), batch = a.Int("batch", 200), epochs = a.Int("epochs", 1), maxTokens = a.Int("max-tokens", 50);
        int seed = a.Int("seed", 42), threads = a.Int("threads", Environment.ProcessorCount), span = a.Int("span", 5);
        double lr = double.Parse(a.String("lr", "2e-5"), System.Globalization.CultureInfo.InvariantCulture);
        double temperature = double.Parse(a.String("temperature", "0.04"), System.Globalization.CultureInfo.InvariantCulture);
        var pooling = a.String("pooling", "mean") switch
        {
            "mean" => ContextualPooling.Mean,
            "cls" => ContextualPooling.Cls,
            var p => throw new ArgumentException($"--pooling is '{p}'; expected mean or cls."),
        };
        string source = a.String("source", "stsb"), encoderArg = a.String("encoder", "minilm");
        string zip = a.String("out", Path.Combine(Path.GetTempPath(), "mirror-bert.zip"));

        var texts = Sentences(source, seed).Take(rows).ToList();
        var (start, baseline) = Encoders(encoderArg);
        Console.WriteLine($"machine: {EmbeddingHarness.MachineLine()}; load average {LoadAverage()}");
        Console.WriteLine($"date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; mirror-bert {string.Join(' ', args)}");
        Console.WriteLine($"training: {texts.Count} {source} sentences (seed {seed}), encoder {start.Name}, batch {batch}, {epochs} epoch(s), " +
                          $"{maxTokens} tokens, lr {lr:G3}, τ {temperature:G3}, span {span}, {pooling} pooling, {threads} TorchSharp threads");

        bool evaluate = a.Int("eval", 1) != 0;
        var sw = Stopwatch.StartNew();
        var before = !evaluate ? (Cosine: double.NaN, Angular: double.NaN) : UseData.StsDevSpearman(t => UseData.Embed(ml => ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text",
            new ContextualEmbeddingOptions { Encoder = baseline, Pooling = pooling, MaxTokens = Math.Min(256, baseline.MaxPositions) }), t));
        Console.WriteLine($"before: STS-B dev Spearman {before.Cosine:F4} ({sw.Elapsed.TotalSeconds:F0} s)");

        var ml = new MLContext(seed: seed);
        var data = ml.Data.LoadFromEnumerable(texts.Select(t => new TextRow { Text = t }));
        var options = new MirrorBertOptions
        {
            Encoder = start, BatchSize = batch, Epochs = epochs, MaxTokens = maxTokens, LearningRate = lr, Temperature = temperature,
            MaskSpanLength = span, Pooling = pooling, Seed = seed, NumberOfThreads = threads,
            ProgressInterval = Math.Max(1, texts.Count / batch / 20),
            Progress = new Progress<MirrorBertProgress>(p => Console.WriteLine($"  {p} (peak working set {PeakMB():F0} MB)")),
        };
        sw.Restart();
        var model = ml.Transforms.Text.LearnMirrorBert("Features", "Text", options).Fit(data);
        double fitSeconds = sw.Elapsed.TotalSeconds;
        double peak = PeakMB();
        var s = model.Summary;
        ml.Model.Save(model, data.Schema, zip);
        model.Dispose();
        Console.WriteLine($"fit: {s.StepLosses.Count} steps in {s.Seconds:F1} s (fit with ONNX writing {fitSeconds:F1} s); loss first {s.StepLosses[0]:F4}, " +
                          $"last {s.StepLosses[^1]:F4}; {s.MaskedRows} of {s.Rows} strings maskable; graph {s.OnnxGraph}; peak working set {peak:F0} MB");
        Console.WriteLine($"loss per step: {string.Join(", ", s.StepLosses.Select(l => l.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}");

        sw.Restart();
        var fresh = new MLContext(seed: 1);
        var loaded = fresh.Model.Load(zip, out _);
        var after = !evaluate ? (Cosine: double.NaN, Angular: double.NaN) : UseData.StsDevSpearman(t => UseData.Embed(loaded, t));
        (loaded as IDisposable)?.Dispose();
        Console.WriteLine($"after (reloaded zip): STS-B dev Spearman {after.Cosine:F4} ({sw.Elapsed.TotalSeconds:F0} s)");
        Console.WriteLine();
        Console.WriteLine("| encoder | sentences | batch | epochs | tokens | STS-B dev Spearman before | after | train s | peak MB | zip MB |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine($"| {start.Name} ({source}) | {s.Rows} | {batch} | {epochs} | {maxTokens} | {before.Cosine:F4} | {after.Cosine:F4} | {s.Seconds:F0} | {peak:F0} | {new FileInfo(zip).Length / 1e6:F1} |");
        Console.WriteLine($"zip: {zip}");
        return 0;
    }

    /// <summary>Distinct training sentences in a seeded random order: STS-B train (both columns) or Brown.</summary>
    private static IEnumerable<string> Sentences(string source, int seed)
    {
        var all = source switch
        {
            "stsb" => UseData.StsTrain().SelectMany(p => new[] { p.Sentence1, p.Sentence2 }),
            "brown" => File.ReadLines(Datasets.File("english-corpus", "brown", "brown.txt")),
            _ => throw new ArgumentException($"--source is '{source}'; expected stsb or brown."),
        };
        var distinct = all.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        new Random(seed).Shuffle(distinct);
        return distinct;
    }

    /// <summary>The starting encoder for training, and the one the "before" figure runs: the same weights on ONNX Runtime,
    /// or, for a Hugging Face folder, the TorchSharp model itself.</summary>
    private static (BertCheckpoint Torch, ContextualEncoder Before) Encoders(string arg)
    {
        if (arg == "minilm")
            return (BertCheckpoint.MiniLM, BertOnnxEncoder.MiniLM);
        if (File.Exists(arg) || File.Exists(Path.Combine(arg, "model.onnx")) || File.Exists(Path.Combine(arg, "onnx", "model.onnx")))
        {
            var onnx = BertOnnxEncoder.FromOnnx(arg);
            return (BertCheckpoint.FromOnnx(onnx), onnx);
        }
        var hf = BertCheckpoint.FromHuggingFace(arg);
        return (hf, hf);
    }

    private static double PeakMB()
    {
        using var p = Process.GetCurrentProcess();
        p.Refresh();
        return p.PeakWorkingSet64 / 1e6;
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}

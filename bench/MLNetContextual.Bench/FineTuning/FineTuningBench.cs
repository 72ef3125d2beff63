using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual.Bench;

/// <summary>
/// Evaluation runners of issue 3 (not tests). Both fine-tune the embedded all-MiniLM-L6-v2 and print a Markdown block
/// for bench/RESULTS.md.
/// <list type="bullet">
/// <item><c>finetune-sst2 [--train 10000] [--test 1000] [--epochs e] [--batch b] [--lr x] [--max-tokens n] [--val-fraction f] [--threads n] [--seed 1]</c>
/// (options not given keep the trainer's defaults): groups the phrases by sentence (<see cref="PhraseGroups"/>), holds back
/// <c>--test</c> groups (seeded) and scores their full sentences, trains on <c>--train</c> (at most 10,000) random
/// phrases of the other groups; then saves the model, predicts again in a fresh process and compares.</item>
/// <item><c>finetune-squad [--train-articles 40] [--max-train-questions 3000] [--test-articles 4] [--max-test-questions 600] [--epochs e] [--batch b] [--lr x] [--warmup r] [--llrd d] [--val-fraction f]</c> (options not given keep the trainer's defaults):
/// splits shared/datasets/squad-v1.1/train-subset-44articles.json by article (the last <c>--test-articles</c> held
/// back), trains on questions of the others and reports SQuAD v1.1 EM/F1 on held-back questions.</item>
/// </list>
/// </summary>
internal static class FineTuningBench
{
    public static int Sst2(string[] args)
    {
        var a = new Args(args);
        int trainRows = Math.Min(10_000, a.Int("--train", 10_000)), testGroups = a.Int("--test", 1_000), seed = a.Int("--seed", 1);
        var split = TextClassificationSets.Load("sst2", trainRows, testGroups, seed);
        var train = split.Train.Select(e => new SentimentRow { Sentence1 = e.Text, Label = e.Label == "1" }).ToList();
        var test = split.Test.Select(e => new SentimentRow { Sentence1 = e.Text, Label = e.Label == "1" }).ToList();

        var ml = new MLContext(seed: seed);
        var options = new ContextualTextClassificationOptions { NumberOfThreads = a.NullableInt("--threads"), ProgressInterval = 20 };
        options.MaxEpochs = a.Int("--epochs", options.MaxEpochs);
        options.BatchSize = a.Int("--batch", options.BatchSize);
        options.LearningRate = a.Double("--lr", options.LearningRate);
        options.MaxTokens = a.Int("--max-tokens", options.MaxTokens);
        options.ValidationFraction = a.Double("--val-fraction", options.ValidationFraction);
        // The feature-based recipe: --freeze keeps the encoder fixed; --mix learns a scalar mix over all its layers
        // (mean-pooled); --mean classifies the mean of the last layer instead of the pooler.
        options.FreezeEncoder = a.Flag("--freeze");
        options.LearnScalarMix = a.Flag("--mix");
        options.MeanPooling = a.Flag("--mean");
        ml.Log += (_, e) => { if (e.Source.Contains("ContextualTextClassification", StringComparison.Ordinal)) Console.WriteLine(e.Message); };
        Console.WriteLine($"SST-2: {train.Count} training rows, {test.Count} held-back sentences ({split.HowSplit}; seed {seed}).");

        var fit = Stopwatch.StartNew();
        using var model = ml.BinaryClassification.Trainers.ContextualTextClassification(options).Fit(ml.Data.LoadFromEnumerable(train));
        fit.Stop();
        var testData = ml.Data.LoadFromEnumerable(test);
        var predict = Stopwatch.StartNew();
        var scored = model.Transform(testData);
        var metrics = ml.BinaryClassification.Evaluate(scored);
        predict.Stop();

        // Round trip through the zip, predicted again in a fresh process.
        string dir = Path.Combine(Path.GetTempPath(), "mlnetctx-finetune-sst2");
        Directory.CreateDirectory(dir);
        string zip = Path.Combine(dir, "model.zip"), input = Path.Combine(dir, "test.tsv"), output = Path.Combine(dir, "scores.txt");
        ml.Model.Save(model, testData.Schema, zip);
        File.WriteAllLines(input, test.Select(r => r.Sentence1));
        var scores = scored.GetColumn<float>("Score").ToArray();
        bool identical = RunFreshProcess("finetune-predict", zip, input, output)
            && File.ReadAllLines(output).Select(s => float.Parse(s, CultureInfo.InvariantCulture)).SequenceEqual(scores);

        var s = model.TrainingSummary;
        Console.WriteLine();
        Console.WriteLine($"| rows (train / held back) | epochs | accuracy | AUC | F1 | train examples/s | fit time | held-back scoring | peak memory | zip round trip (fresh process) |");
        Console.WriteLine($"|---|---|---|---|---|---|---|---|---|---|");
        Console.WriteLine($"| {train.Count} / {test.Count} | {s.EpochsRun} | {metrics.Accuracy:P2} | {metrics.AreaUnderRocCurve:F4} | {metrics.F1Score:F4} | " +
                          $"{s.ExamplesPerSecond:F1} | {fit.Elapsed.TotalMinutes:F1} min | {test.Count / predict.Elapsed.TotalSeconds:F0} rows/s | " +
                          $"{PeakMemoryMiB()} MiB | {(identical ? "identical scores" : "DIFFERENT")} |");
        Console.WriteLine($"zip: {new FileInfo(zip).Length / (1 << 20)} MiB; threads {TorchSharp.torch.get_num_threads()}; options: {string.Join(' ', args)}");
        return identical ? 0 : 1;
    }

    /// <summary><c>finetune-predict model.zip texts.txt scores.txt</c>: scores one text per line with a saved model.</summary>
    public static int Predict(string[] args)
    {
        var ml = new MLContext(seed: 5);
        var model = ml.Model.Load(args[0], out _);
        var rows = File.ReadAllLines(args[1]).Select(t => new SentimentRow { Sentence1 = t }).ToList();
        var scores = model.Transform(ml.Data.LoadFromEnumerable(rows)).GetColumn<float>("Score");
        File.WriteAllLines(args[2], scores.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        return 0;
    }

    public static int Squad(string[] args)
    {
        var a = new Args(args);
        int testArticles = a.Int("--test-articles", 4), seed = a.Int("--seed", 1);
        var questions = SquadDataset.Read(Datasets.File("squad-v1.1", "train-subset-44articles.json"));
        var titles = questions.Select(q => q.Title).Distinct().ToList();
        var testTitles = titles.TakeLast(testArticles).ToHashSet();
        var trainTitles = titles.Where(t => !testTitles.Contains(t)).Take(a.Int("--train-articles", titles.Count - testArticles)).ToHashSet();
        var rng = new Random(seed);
        var train = questions.Where(q => trainTitles.Contains(q.Title)).ToArray();
        rng.Shuffle(train);
        train = train.Take(a.Int("--max-train-questions", 3000)).ToArray();
        var test = questions.Where(q => testTitles.Contains(q.Title)).ToArray();
        rng.Shuffle(test);
        test = test.Take(a.Int("--max-test-questions", 600)).ToArray();

        var ml = new MLContext(seed: seed);
        var options = new ContextualQuestionAnswerOptions { NumberOfThreads = a.NullableInt("--threads"), ProgressInterval = 10, TopK = 1 };
        options.MaxEpochs = a.Int("--epochs", options.MaxEpochs);
        options.BatchSize = a.Int("--batch", options.BatchSize);
        options.LearningRate = a.Double("--lr", options.LearningRate);
        options.WarmupRatio = a.Double("--warmup", options.WarmupRatio);
        options.LayerwiseLearningRateDecay = a.Double("--llrd", options.LayerwiseLearningRateDecay);
        options.ValidationFraction = a.Double("--val-fraction", options.ValidationFraction);
        options.MaxSequenceLength = a.Int("--max-seq", options.MaxSequenceLength);
        options.DocumentStride = a.Int("--stride", options.DocumentStride);
        ml.Log += (_, e) => { if (e.Source.Contains("ContextualQuestionAnswer", StringComparison.Ordinal)) Console.WriteLine(e.Message); };
        Console.WriteLine($"SQuAD: {train.Length} training questions from {trainTitles.Count} articles; {test.Length} held-back questions from {string.Join(", ", testTitles)}.");

        var fit = Stopwatch.StartNew();
        using var model = ml.MulticlassClassification.Trainers.ContextualQuestionAnswer(options).Fit(ml.Data.LoadFromEnumerable(train));
        fit.Stop();
        var predict = Stopwatch.StartNew();
        var answers = model.Transform(ml.Data.LoadFromEnumerable(test)).GetColumn<string[]>("Answer").ToList();
        predict.Stop();
        var scores = SquadMetrics.Evaluate(answers.Zip(test, (p, q) => (p?.FirstOrDefault() ?? "", (IReadOnlyList<string>)q.Answers)));

        var s = model.TrainingSummary;
        Console.WriteLine();
        Console.WriteLine($"lr {options.LearningRate:G3}, batch {options.BatchSize}, warmup {options.WarmupRatio:G3}, LLRD {options.LayerwiseLearningRateDecay:G3}, " +
                          $"validation per epoch: {string.Join(" / ", s.ValidationMetrics.Select(v => v.ToString("F2", CultureInfo.InvariantCulture)))} (kept {s.KeptEpoch})");
        Console.WriteLine("| questions (train / held back) | windows trained | epochs | EM | F1 | train windows/s | fit time | held-back answering | peak memory |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        Console.WriteLine($"| {train.Length} / {test.Length} | {s.Examples} | {s.EpochsRun} | {scores.ExactMatch:F2} | {scores.F1:F2} | {s.ExamplesPerSecond:F2} | " +
                          $"{fit.Elapsed.TotalMinutes:F1} min | {test.Length / predict.Elapsed.TotalSeconds:F1} questions/s | {PeakMemoryMiB()} MiB |");
        Console.WriteLine($"threads {TorchSharp.torch.get_num_threads()}; options: {string.Join(' ', args)}");
        return 0;
    }

    private static bool RunFreshProcess(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
            start.ArgumentList.Add(typeof(FineTuningBench).Assembly.Location);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        process.WaitForExit();
        return process.ExitCode == 0;
    }

    private static long PeakMemoryMiB()
    {
        // VmHWM: the peak resident set, native (libtorch) allocations included.
        var line = File.Exists("/proc/self/status") ? File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:")) : null;
        return line != null
            ? long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024
            : Process.GetCurrentProcess().PeakWorkingSet64 >> 20;
    }

    private sealed class SentimentRow
    {
        public string Sentence1 { get; set; }
        public bool Label { get; set; }
    }

    private sealed class Args(string[] args)
    {
        private string Get(string name)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }

        public int Int(string name, int fallback) => Get(name) is string v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        public int? NullableInt(string name) => Get(name) is string v ? int.Parse(v, CultureInfo.InvariantCulture) : null;
        public double Double(string name, double fallback) => Get(name) is string v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
        public bool Flag(string name) => Array.IndexOf(args, name) >= 0;
    }
}

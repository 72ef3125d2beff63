using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;

namespace MLNetContextual.Bench;

/// <summary>
/// <c>finetune-text --dataset sst2|uci|trec|sst5|mr2 [--train 2000] [--test n] [--epochs e] [--batch b] [--lr x]
/// [--warmup r] [--llrd d] [--reinit-pooler 0|1] [--mean-pooling 0|1] [--lp-epochs n] [--lp-lr r] [--val-fraction f] [--max-tokens n] [--threads n] [--seed 1]</c>: one
/// point of the fine-tuning sweep (issue 14) on a leak-free split (<see cref="TextClassificationSets"/>). An option not
/// given keeps the trainer's default. Prints one Markdown table row, prefixed <c>RESULT</c>.
/// </summary>
internal static class TextClassificationSweep
{
    public static int Run(string[] args)
    {
        var a = new SweepArgs(args);
        string name = a.Get("--dataset") ?? "sst2";
        int seed = a.Int("--seed") ?? 1;
        int test = a.Int("--test") ?? name switch { "sst2" => 1000, "uci" => 600, "mr2" => 400, _ => 0 };
        var split = TextClassificationSets.Load(name, a.Int("--train") ?? 2000, test, seed);

        var o = new ContextualTextClassificationOptions { NumberOfThreads = a.Int("--threads"), ProgressInterval = 20 };
        o.MaxEpochs = a.Int("--epochs") ?? o.MaxEpochs;
        o.BatchSize = a.Int("--batch") ?? o.BatchSize;
        o.LearningRate = a.Double("--lr") ?? o.LearningRate;
        o.WarmupRatio = a.Double("--warmup") ?? o.WarmupRatio;
        o.LayerwiseLearningRateDecay = a.Double("--llrd") ?? o.LayerwiseLearningRateDecay;
        o.ReinitializePooler = (a.Int("--reinit-pooler") ?? (o.ReinitializePooler ? 1 : 0)) == 1;
        o.ValidationFraction = a.Double("--val-fraction") ?? o.ValidationFraction;
        o.MaxTokens = a.Int("--max-tokens") ?? o.MaxTokens;
        o.LinearProbeEpochs = a.Int("--lp-epochs") ?? o.LinearProbeEpochs;
        o.LinearProbeLearningRate = a.Double("--lp-lr") ?? o.LinearProbeLearningRate;
        o.MeanPooling = (a.Int("--mean-pooling") ?? (o.MeanPooling ? 1 : 0)) == 1;

        var ml = new MLContext(seed: seed);
        ml.Log += (_, e) => { if (e.Source.Contains("ContextualTextClassification", StringComparison.Ordinal)) Console.WriteLine(e.Message); };
        Console.WriteLine($"{name}: {split.Train.Count} training rows, {split.Test.Count} held back ({split.HowSplit}); seed {seed}.");

        var fit = Stopwatch.StartNew();
        double accuracy, second;
        FineTuningSummary summary;
        if (split.Binary)
        {
            var rows = (List<TextClassificationSets.Example> e) => ml.Data.LoadFromEnumerable(e.Select(x => new BinaryRow { Sentence1 = x.Text, Label = x.Label == "1" }));
            using var model = ml.BinaryClassification.Trainers.ContextualTextClassification(o).Fit(rows(split.Train));
            fit.Stop();
            var m = ml.BinaryClassification.Evaluate(model.Transform(rows(split.Test)));
            (accuracy, second, summary) = (m.Accuracy, m.AreaUnderRocCurve, model.TrainingSummary);
        }
        else
        {
            var rows = (List<TextClassificationSets.Example> e) => ml.Data.LoadFromEnumerable(e.Select(x => new TextRow { Sentence1 = x.Text, LabelText = x.Label }));
            var keys = ml.Transforms.Conversion.MapValueToKey("Label", "LabelText").Fit(rows([.. split.Train, .. split.Test]));
            using var model = ml.MulticlassClassification.Trainers.ContextualTextClassification(o).Fit(keys.Transform(rows(split.Train)));
            fit.Stop();
            var m = ml.MulticlassClassification.Evaluate(model.Transform(keys.Transform(rows(split.Test))));
            (accuracy, second, summary) = (m.MicroAccuracy, m.MacroAccuracy, model.TrainingSummary);
        }

        string validation = summary.ValidationMetrics.Count == 0 ? "—"
            : string.Join(" / ", summary.ValidationMetrics.Select(v => v.ToString("F3", CultureInfo.InvariantCulture))) + $" (kept {summary.KeptEpoch})";
        Console.WriteLine();
        Console.WriteLine("| dataset | train / held back | lr | epochs | batch | warmup | LLRD | pooler | val. fraction | validation per epoch | accuracy | AUC (binary) / macro acc. | fit | examples/s |");
        Console.WriteLine($"RESULT | {name} | {split.Train.Count} / {split.Test.Count} | {o.LearningRate:G3} | {o.MaxEpochs} | {o.BatchSize} | {o.WarmupRatio:G3} | " +
                          $"{o.LayerwiseLearningRateDecay:G3} | {(o.MeanPooling ? "mean pooling" : o.ReinitializePooler ? "re-init" : "kept")} | {o.ValidationFraction:G3} | {validation} | " +
                          $"{accuracy:F4} | {second:F4} | {fit.Elapsed.TotalMinutes:F1} min | {summary.ExamplesPerSecond:F1} |");
        Console.WriteLine($"threads {TorchSharp.torch.get_num_threads()}; options: {string.Join(' ', args)}");
        return 0;
    }

    private sealed class BinaryRow
    {
        public string Sentence1 { get; set; }
        public bool Label { get; set; }
    }

    private sealed class TextRow
    {
        public string Sentence1 { get; set; }
        public string LabelText { get; set; }
    }

    private sealed class SweepArgs(string[] args)
    {
        public string Get(string name)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }

        public int? Int(string name) => Get(name) is string v ? int.Parse(v, CultureInfo.InvariantCulture) : null;
        public double? Double(string name) => Get(name) is string v ? double.Parse(v, CultureInfo.InvariantCulture) : null;
    }
}

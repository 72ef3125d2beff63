using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;

namespace MLNetContextual.Bench;

/// <summary>
/// <c>finetune-ort [--model model.zip] [--train 2000] [--rows 2000] [--rounds 5] [--threads 1] [--epochs 1] [--batch 32] [--max-tokens 128] [--seed 1]</c>:
/// fine-tunes the embedded MiniLM on <c>--train</c> SST-2 phrases (or loads a saved classifier with <c>--model</c>), then
/// predicts <c>--rows</c> held-back SST-2 sentences with ONNX Runtime (the fine-tuned graph) and with TorchSharp (the same
/// weights) in interleaved rounds, both on <c>--threads</c> threads and in batches of the classifier's BatchSize. Prints
/// rows/s of each per round, the median ratio, how many labels agree and the largest |score difference|.
/// </summary>
internal static class FineTuneOrtBench
{
    public static int Run(string[] args)
    {
        string Get(string name) { int i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : null; }
        int Int(string name, int fallback) => Get(name) is string v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        int rows = Int("--rows", 2000), rounds = Int("--rounds", 5), threads = Int("--threads", 1), seed = Int("--seed", 1);

        var split = TextClassificationSets.Load("sst2", Int("--train", 2000), Math.Max(1, rows), seed);
        var texts = split.Test.Select(e => e.Text).Take(rows).ToArray();
        var ml = new MLContext(seed: seed);
        ContextualTextClassificationTransformer model;
        var fit = Stopwatch.StartNew();
        if (Get("--model") is string zip)
        {
            model = (ContextualTextClassificationTransformer)ml.Model.Load(zip, out _);
            Console.WriteLine($"Loaded {zip} in {fit.Elapsed.TotalSeconds:F1} s.");
        }
        else
        {
            var train = split.Train.Select(e => new Row { Sentence1 = e.Text, Label = e.Label == "1" }).ToList();
            var options = new ContextualTextClassificationOptions
            {
                MaxEpochs = Int("--epochs", 1), BatchSize = Int("--batch", 32), MaxTokens = Int("--max-tokens", 128), NumberOfThreads = threads,
                ValidationFraction = 0, Seed = seed,
            };
            model = ml.BinaryClassification.Trainers.ContextualTextClassification(options).Fit(ml.Data.LoadFromEnumerable(train));
            Console.WriteLine($"Fine-tuned on {train.Count} SST-2 phrases in {fit.Elapsed.TotalSeconds:F1} s.");
        }
        using (model)
        {
            if (!model.PredictsWithOnnxRuntime)
            {
                Console.Error.WriteLine("This classifier has no ONNX graph (a non-BERT encoder or a zip of format 2): nothing to compare.");
                return 1;
            }
            model.SetOnnxThreads(threads);
            TorchSharp.torch.set_num_threads(threads);
            Console.WriteLine($"{texts.Length} held-back SST-2 sentences ({split.HowSplit}), batch {model.BatchSize}, {threads} thread(s), {rounds} interleaved rounds.");

            float[][] Score(bool torch, out double rowsPerSecond)
            {
                var all = new float[texts.Length][];
                var watch = Stopwatch.StartNew();
                for (int from = 0; from < texts.Length; from += model.BatchSize)
                {
                    int n = Math.Min(model.BatchSize, texts.Length - from);
                    model.Predict(texts.Skip(from).Take(n).Select(t => (t, (string)null)).ToArray(), all.AsSpan(from, n), torch);
                }
                rowsPerSecond = texts.Length / watch.Elapsed.TotalSeconds;
                return all;
            }

            Score(false, out _);   // warm-up: both sessions, the TorchSharp model rebuilt from the graph when loaded
            Score(true, out _);
            var ratios = new List<double>();
            float[][] onnx = null, torch = null;
            Console.WriteLine("| round | ONNX Runtime rows/s | TorchSharp rows/s | ratio |");
            Console.WriteLine("|---|---|---|---|");
            for (int r = 1; r <= rounds; r++)
            {
                onnx = Score(false, out double ortRate);
                torch = Score(true, out double torchRate);
                ratios.Add(ortRate / torchRate);
                Console.WriteLine($"| {r} | {ortRate:F1} | {torchRate:F1} | {ortRate / torchRate:F2} |");
            }
            ratios.Sort();
            int same = onnx.Zip(torch).Count(p => (p.First[0] > 0) == (p.Second[0] > 0));
            float maxDiff = onnx.Zip(torch).Max(p => Math.Abs(p.First[0] - p.Second[0]));
            Console.WriteLine($"median ratio ONNX Runtime / TorchSharp: {ratios[ratios.Count / 2]:F2} (target >= 2); identical labels {same}/{texts.Length}; " +
                              $"max |score diff| {maxDiff:G3} (target <= 1e-4)");
            return 0;
        }
    }

    private sealed class Row
    {
        public string Sentence1 { get; set; }
        public bool Label { get; set; }
    }
}

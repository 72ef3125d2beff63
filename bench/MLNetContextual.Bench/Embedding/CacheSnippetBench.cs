using System.Diagnostics;
using Microsoft.ML;

namespace MLNetContextual.Bench.Embedding;

/// <summary>
/// <c>cache-snippet [rows 10000] [rounds 1] [limit-seconds 900]</c>: the issue-2 snippet as users write it —
/// <c>ApplyContextualEmbedding("Features", "Text")</c> then <c>SdcaLogisticRegression()</c>, no cache checkpoint — on the
/// first SST-2 train rows, fitted three ways: with the embedding cache (the default, 64 MB), without it
/// (<c>CacheSizeMB = 0</c>, every SDCA pass re-encodes every text), and without it but with <c>AppendCacheCheckpoint</c>.
/// Prints fit times (median over rounds) and the ratios; the variants run interleaved. A fit still running after the
/// limit is stopped through ML.NET's cancellation (mlnetctx's <c>Cancellation</c>) and reported as a lower bound.
/// </summary>
internal static class CacheSnippetBench
{
    private sealed class Row
    {
        public string Text { get; set; }
        public bool Label { get; set; }
    }

    public static int Run(string[] args)
    {
        int rows = args.Length > 0 ? int.Parse(args[0]) : 10_000, rounds = args.Length > 1 ? int.Parse(args[1]) : 1;
        double limit = args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 900;
        var data = File.ReadLines(Datasets.File("sst2", "train.tsv")).Skip(1).Select(l => l.Split('\t')).Where(p => p.Length == 2)
            .Take(rows).Select(p => new Row { Text = p[0].Trim(), Label = p[1].Trim() == "1" }).ToArray();
        var variants = new (string Name, Func<MLContext, IEstimator<ITransformer>> Build)[]
        {
            ("embedding cache (default)", ml => ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text")
                .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression())),
            ("no cache", ml => ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text", new ContextualEmbeddingOptions { CacheSizeMB = 0 })
                .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression())),
            ("no cache + AppendCacheCheckpoint", ml => ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text", new ContextualEmbeddingOptions { CacheSizeMB = 0 })
                .AppendCacheCheckpoint(ml).Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression())),
        };
        var times = variants.ToDictionary(v => v.Name, _ => new List<double>());
        var stopped = new HashSet<string>();
        for (int r = 0; r < rounds; r++)
            foreach (var (name, build) in variants)
            {
                var ml = new MLContext(seed: 1);
                var view = ml.Data.LoadFromEnumerable(data);
                var watch = Stopwatch.StartNew();
                using var timer = new Timer(_ => MLNetContextual.Cli.Sweep.Cancellation.Cancel(ml), null, TimeSpan.FromSeconds(limit), Timeout.InfiniteTimeSpan);
                ITransformer model;
                try
                {
                    model = build(ml).Fit(view);
                }
                catch (OperationCanceledException)
                {
                    times[name].Add(watch.Elapsed.TotalSeconds);
                    stopped.Add(name);
                    Console.WriteLine($"round {r} {name}: not finished after {watch.Elapsed.TotalSeconds:F0} s (stopped); peak working set {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MiB");
                    continue;
                }
                timer.Change(Timeout.Infinite, Timeout.Infinite);
                times[name].Add(watch.Elapsed.TotalSeconds);
                var metrics = ml.BinaryClassification.Evaluate(model.Transform(view));
                Console.WriteLine($"round {r} {name}: fit {times[name][^1]:F1} s (training accuracy {metrics.Accuracy:F3}); peak working set {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MiB");
                (model as IDisposable)?.Dispose();
            }
        Console.WriteLine();
        Console.WriteLine($"| {rows} SST-2 rows, ApplyContextualEmbedding + SdcaLogisticRegression | fit time (median of {rounds}) | ÷ with cache |");
        Console.WriteLine("|---|---|---|");
        double baseTime = EmbeddingHarness.Median(times[variants[0].Name]);
        foreach (var (name, _) in variants)
        {
            double t = EmbeddingHarness.Median(times[name]);
            string bound = stopped.Contains(name) ? "> " : "";
            Console.WriteLine($"| {name} | {bound}{t:F1} s{(stopped.Contains(name) ? " (stopped)" : "")} | {bound}{t / baseTime:F2}× |");
        }
        return 0;
    }
}

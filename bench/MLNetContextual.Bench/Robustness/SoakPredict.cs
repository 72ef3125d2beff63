using System.Diagnostics;
using MLNetContextual.Bench.Embedding;
using Microsoft.ML;

namespace MLNetContextual.Bench.Robustness;

/// <summary>
/// <c>soak-predict [--threads 8] [--total 1000000] [--texts 256] [--intra-op 1]</c>: one fitted ApplyContextualEmbedding
/// model (embedded MiniLM, mean pooling), one PredictionEngine per thread, <c>total</c> predictions in all over a fixed
/// set of texts. Every output is compared bit for bit with the single-threaded output of the same text. Prints errors,
/// mismatches, p50/p99/max latency per prediction and throughput.
/// </summary>
internal static class SoakPredict
{
    public static int Run(string[] args)
    {
        var a = new BenchArgs(args);
        int threads = a.Int("threads", 8), textCount = a.Int("texts", 256), intraOp = a.Int("intra-op", 1);
        long total = long.Parse(a.String("total", "1000000"), System.Globalization.CultureInfo.InvariantCulture);
        var texts = SoakTexts.Make(textCount);
        Console.WriteLine($"machine: {EmbeddingHarness.MachineLine()}");
        Console.WriteLine($"date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {threads} threads × 1 PredictionEngine, {total:N0} predictions over {textCount} texts, IntraOpThreads {intraOp}");

        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(texts.Take(8).Select(t => new SoakRow { Text = t }));
        var model = ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text", new ContextualEmbeddingOptions { IntraOpThreads = intraOp }).Fit(data);

        // Reference: one engine, one thread.
        var reference = new float[texts.Length][];
        var single = ml.Model.CreatePredictionEngine<SoakRow, SoakOutput>(model, new PredictionEngineOptions { OwnsTransformer = false });
        for (int i = 0; i < texts.Length; i++) reference[i] = single.Predict(new SoakRow { Text = texts[i] }).Features.ToArray();

        long errors = 0, mismatches = 0, done = 0;
        var firstErrors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var latencies = new long[threads][];
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            long share = total / threads + (t < total % threads ? 1 : 0);
            var lat = latencies[t] = new long[share];
            var engine = ml.Model.CreatePredictionEngine<SoakRow, SoakOutput>(model, new PredictionEngineOptions { OwnsTransformer = false });
            var row = new SoakRow();
            var rng = new Random(100 + t);
            for (long k = 0; k < share; k++)
            {
                int i = rng.Next(texts.Length);
                row.Text = texts[i];
                long start = Stopwatch.GetTimestamp();
                try
                {
                    var output = engine.Predict(row).Features;
                    lat[k] = Stopwatch.GetTimestamp() - start;
                    if (!output.AsSpan().SequenceEqual(reference[i])) Interlocked.Increment(ref mismatches);
                }
                catch (Exception e)
                {
                    lat[k] = Stopwatch.GetTimestamp() - start;
                    if (Interlocked.Increment(ref errors) <= 5) firstErrors.Enqueue($"{e.GetType().Name}: {e.Message}");
                }
                long n = Interlocked.Increment(ref done);
                if (n % Math.Max(total / 20, 1) == 0)
                    Console.Error.WriteLine($"  {n:N0} / {total:N0} after {clock.Elapsed.TotalSeconds:F0} s, {Interlocked.Read(ref errors)} errors, {Interlocked.Read(ref mismatches)} mismatches");
            }
        }) { IsBackground = true }).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        clock.Stop();

        var all = latencies.SelectMany(l => l).Order().ToArray();
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        double P(double q) => Ms(all[Math.Min(all.Length - 1, (int)(q * all.Length))]);
        Console.WriteLine(FormattableString.Invariant(
            $"SOAK-PREDICT predictions={all.Length} errors={errors} mismatches={mismatches} p50ms={P(0.50):F2} p99ms={P(0.99):F2} maxms={Ms(all[^1]):F2} seconds={clock.Elapsed.TotalSeconds:F1} perSecond={all.Length / clock.Elapsed.TotalSeconds:F0}"));
        foreach (var e in firstErrors) Console.WriteLine($"  error: {e}");
        (model as IDisposable)?.Dispose();
        return errors == 0 && mismatches == 0 ? 0 : 1;
    }
}

using System.Diagnostics;
using System.Numerics.Tensors;
using Microsoft.ML;
using MLNetContextual.Onnx;

namespace MLNetContextual.Bench.Embedding;

/// <summary>
/// <c>int8 [--count 10000] [--rounds 5] [--chunk 500] [--batch 32] [--threads cores] [--sts-pairs all] [--variants 0] [--alone 0]</c>:
/// the embedded MiniLM fp32 vs quantized to int8 (<see cref="ContextualEncoder.Quantize"/>) through ApplyContextualEmbedding
/// (mean pooling, cache off): sentences/s on the first <c>--count</c> SST-2 train sentences, each round walking them in
/// chunks that every model runs in turn (order rotated chunk by chunk, so load from other processes falls on all alike;
/// median rate per chunk and median of per-chunk ratios), cosine
/// of the int8 vectors to the fp32 ones, STS-B dev Spearman of both (<c>--sts-pairs N</c>: the first N pairs), and the zip
/// of a saved pipeline for both (by reference to the embedded model and self-contained) with its load time.
/// <c>--variants 1</c> first compares the quantizer's activation schemes (per token; per tensor with standard ops or
/// com.microsoft DynamicQuantizeMatMul), weight ranges (7-bit vs 8-bit) and keeping the first feed-forward output float,
/// on the same sentences: speed and cosine to fp32; <c>--alone 1</c> adds fp32 and two int8 kernels run one text at a time.
/// </summary>
internal static class Int8Bench
{
    public static int Run(string[] args)
    {
        var a = new BenchArgs(args);
        int count = a.Int("count", 10_000), rounds = a.Int("rounds", 5), batch = a.Int("batch", 32), threads = a.Threads;
        int stsPairs = a.Int("sts-pairs", int.MaxValue), chunk = a.Int("chunk", 500);
        var sentences = SentenceSources.Sst2Train().Take(count).ToArray();
        Console.WriteLine($"machine: {EmbeddingHarness.MachineLine()}");
        Console.WriteLine($"date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; load average at start: {EmbedThroughput.LoadAverage()}");
        Console.WriteLine($"{sentences.Length} SST-2 train sentences (file order); batch {batch}, IntraOpThreads {threads}, {rounds} round(s) in chunks of {chunk} (models interleaved chunk by chunk), mean pooling, cache off");

        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(sentences.Select(s => new TextRow { Text = s }).ToArray());
        var sw = Stopwatch.StartNew();
        var int8Encoder = ContextualEncoder.MiniLM.Quantize();
        double quantizeSeconds = sw.Elapsed.TotalSeconds;
        byte[] fp32Bytes = EmbeddingHarness.MiniLMBytes(), int8Bytes = int8Encoder.Model.ReadAll();
        var report = Quantized(fp32Bytes, OnnxQuantizer.Default).Report;
        Console.WriteLine($"quantized in {quantizeSeconds:F2} s: {report.MatMuls} MatMuls, graph {fp32Bytes.Length / 1e6:F1} MB → {int8Bytes.Length / 1e6:F1} MB");

        if (a.Int("variants", 0) != 0)
            Variants(ml, data, sentences.Length, batch, threads, Math.Max(1, rounds), chunk, fp32Bytes, a.Int("alone", 0) != 0);

        var fp32 = Fit(ml, data, ContextualEncoder.MiniLM, batch, threads);
        var int8 = Fit(ml, data, int8Encoder, batch, threads);
        var (rates, ratios, vectors) = Interleave(data, sentences.Length, rounds, chunk, [fp32, int8]);
        var (meanCos, minCos) = Cosines(vectors[1], vectors[0]);
        Console.WriteLine();
        Console.WriteLine($"| encoder | sentences/s, median of {rates[0].Count} chunks | harmonic mean of per-chunk rates | int8 ÷ fp32: median of per-chunk ratios [quartiles; min–max] |");
        Console.WriteLine("|---|---:|---:|---:|");
        double Overall(List<double> r) => r.Count / r.Sum(x => 1 / x);   // equal chunks: harmonic mean of the rates
        Console.WriteLine($"| fp32 | {EmbeddingHarness.Median(rates[0]):F1} | {Overall(rates[0]):F1} | — |");
        Console.WriteLine($"| int8 (DynamicInt8) | {EmbeddingHarness.Median(rates[1]):F1} | {Overall(rates[1]):F1} | " +
                          $"{EmbeddingHarness.Median(ratios):F3} [{Quantile(ratios, 0.25):F3}–{Quantile(ratios, 0.75):F3}; {ratios.Min():F3}–{ratios.Max():F3}] |");
        Console.WriteLine($"int8 vs fp32 mean-pooled vectors: mean cosine {meanCos:F5}, min cosine {minCos:F5} over {sentences.Length} sentences");
        // Activations are quantized per batch: the same texts one at a time (as a PredictionEngine runs them).
        int alone = Math.Min(200, sentences.Length);
        var aloneData = ml.Data.TakeRows(data, alone);
        using (var single = (ContextualEmbeddingTransformer)ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text", new ContextualEmbeddingOptions
               { Encoder = int8Encoder, BatchSize = 1, ReadAheadBatches = 1, IntraOpThreads = threads, CacheSizeMB = 0 }).Fit(aloneData))
        {
            var v = new float[alone * EmbeddingHarness.Dimension];
            EmbeddingHarness.ReadVectors(single.Transform(aloneData), "Features", v);
            var (m1, min1) = Cosines(v, vectors[1].AsSpan(0, v.Length).ToArray());
            Console.WriteLine($"int8 one text per run vs in batches of {batch}: mean cosine {m1:F6}, min {min1:F6} over {alone} sentences");
        }

        // STS-B dev.
        var pairs = SentenceSources.StsDev().Take(stsPairs).ToList();
        var stsTexts = pairs.SelectMany(p => new[] { p.First, p.Second }).ToArray();
        var stsData = ml.Data.LoadFromEnumerable(stsTexts.Select(t => new TextRow { Text = t }).ToArray());
        var gold = pairs.Select(p => p.Gold).ToArray();
        double[] spearman = new double[2];
        for (int e = 0; e < 2; e++)
        {
            var v = new float[stsTexts.Length * EmbeddingHarness.Dimension];
            EmbeddingHarness.ReadVectors((e == 0 ? fp32 : int8).Transform(stsData), "Features", v);
            var scores = Enumerable.Range(0, pairs.Count).Select(i => (double)TensorPrimitives.CosineSimilarity(
                v.AsSpan(2 * i * EmbeddingHarness.Dimension, EmbeddingHarness.Dimension), v.AsSpan((2 * i + 1) * EmbeddingHarness.Dimension, EmbeddingHarness.Dimension))).ToArray();
            spearman[e] = Correlation.Spearman(scores, gold);
        }
        Console.WriteLine($"STS-B dev ({pairs.Count} pairs) Spearman: fp32 {spearman[0]:F5}, int8 {spearman[1]:F5}, drop {spearman[0] - spearman[1]:F5} (target ≤ 0.005)");

        // Zips: a one-row pipeline saved four ways, and loading each (a new MLContext; the first row transformed).
        Console.WriteLine();
        Console.WriteLine("| saved pipeline | zip size | load + first row, s |");
        Console.WriteLine("|---|---:|---:|");
        var one = ml.Data.LoadFromEnumerable(new[] { new TextRow { Text = "a short sentence" } });
        foreach (var (name, encoder, selfContained) in new[] { ("fp32, embedded model by reference", (ContextualEncoder)ContextualEncoder.MiniLM, false),
                     ("int8, embedded model by reference (re-quantized at load)", int8Encoder, false), ("fp32, self-contained", ContextualEncoder.MiniLM, true),
                     ("int8, self-contained (int8 graph in the zip)", int8Encoder, true) })
        {
            string path = Path.Combine(Path.GetTempPath(), $"mlnetctx-int8-{Guid.NewGuid():N}.zip");
            try
            {
                using (var model = (ContextualEmbeddingTransformer)ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text",
                           new ContextualEmbeddingOptions { Encoder = encoder, SelfContainedZip = selfContained, IntraOpThreads = threads }).Fit(one))
                    ml.Model.Save(model, one.Schema, path);
                sw.Restart();
                var loaded = new MLContext().Model.Load(path, out _);
                EmbeddingHarness.ReadVectors(loaded.Transform(one), "Features", null);
                double load = sw.Elapsed.TotalSeconds;
                (loaded as IDisposable)?.Dispose();
                string note = !selfContained && encoder != ContextualEncoder.MiniLM ? $" (+ {quantizeSeconds:F2} s to quantize, the first time in a process)" : "";
                long bytes = new FileInfo(path).Length;
                Console.WriteLine($"| {name} | {(bytes < 1_000_000 ? $"{bytes / 1e3:F1} KB" : $"{bytes / 1e6:F2} MB")} | {load:F2}{note} |");
            }
            finally
            {
                File.Delete(path);
            }
        }
        Console.WriteLine($"load average at end: {EmbedThroughput.LoadAverage()}");
        (fp32 as IDisposable)?.Dispose();
        (int8 as IDisposable)?.Dispose();
        return 0;
    }

    /// <summary>The quantizer's kernels and weight ranges, each against fp32 on the same sentences.</summary>
    private static void Variants(MLContext ml, IDataView data, int count, int batch, int threads, int rounds, int chunk, byte[] fp32Bytes, bool alone)
    {
        var vocab = ContextualEncoder.MiniLM.Vocabulary.ReadAll();
        var variants = new (string Name, OnnxQuantizer.Options Options)[]
        {
            ("per token, 7-bit weights (the default)", new(OnnxQuantizer.Kernel.PerToken)),
            ("per token, 8-bit weights", new(OnnxQuantizer.Kernel.PerToken, ReduceRange: false)),
            ("per token, 7-bit, output scaling fused (com.microsoft MatMulIntegerToFloat)", new(OnnxQuantizer.Kernel.PerTokenFused)),
            ("per token, 7-bit, the first layer's feed-forward output kept float", new(OnnxQuantizer.Kernel.PerToken, KeepFirstFeedForwardOutput: true)),
            ("per tensor: standard ops (DynamicQuantizeLinear + MatMulInteger), 7-bit", new(OnnxQuantizer.Kernel.StandardOps)),
            ("per tensor: standard ops, 8-bit", new(OnnxQuantizer.Kernel.StandardOps, ReduceRange: false)),
            ("per tensor: standard ops, 7-bit, the first layer's feed-forward output kept float", new(OnnxQuantizer.Kernel.StandardOps, KeepFirstFeedForwardOutput: true)),
            ("per tensor: com.microsoft DynamicQuantizeMatMul, 7-bit", new(OnnxQuantizer.Kernel.ContribOps)),
        };
        if (alone)   // only the two kernels that matter for the comparison, batched and alone
            variants = [variants[0], variants[6]];
        var models = new List<ITransformer> { Fit(ml, data, ContextualEncoder.MiniLM, batch, threads) };
        foreach (var (_, options) in variants)
        {
            var (bytes, _) = Quantized(fp32Bytes, options);
            var encoder = BertOnnxEncoder.FromSaved(ContextualEncoder.MiniLM.Name, bytes, vocab, lowerCase: true, maxPositions: 512, EncoderQuantization.DynamicInt8);
            models.Add(Fit(ml, data, encoder, batch, threads));
        }
        // One text per run: a per-tensor range is then the text's own, so its vector no longer depends on its batch;
        // does the fused per-tensor kernel at batch 1 beat fp32 batched?
        if (alone)
        {
            variants = [.. variants, ("fp32, one text per run", null), ("per token, 7-bit, one text per run", new(OnnxQuantizer.Kernel.PerToken)),
                ("per tensor: com.microsoft DynamicQuantizeMatMul, 7-bit, one text per run", new(OnnxQuantizer.Kernel.ContribOps))];
            models.Add(Fit(ml, data, ContextualEncoder.MiniLM, 1, threads));
            foreach (var options in new[] { new OnnxQuantizer.Options(OnnxQuantizer.Kernel.PerToken), new OnnxQuantizer.Options(OnnxQuantizer.Kernel.ContribOps) })
            {
                var (bytes, _) = Quantized(fp32Bytes, options);
                models.Add(Fit(ml, data, BertOnnxEncoder.FromSaved(ContextualEncoder.MiniLM.Name, bytes, vocab, lowerCase: true, maxPositions: 512, EncoderQuantization.DynamicInt8), 1, threads));
            }
        }
        var (rates, _, vectors) = Interleave(data, count, rounds, chunk, models);
        Console.WriteLine();
        Console.WriteLine($"| quantizer variant | sentences/s, median per chunk | ÷ fp32: median of per-chunk ratios [quartiles] | mean cosine to fp32 | min cosine to fp32 |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Console.WriteLine($"| fp32 | {EmbeddingHarness.Median(rates[0]):F1} | 1 | 1 | 1 |");
        for (int v = 0; v < variants.Length; v++)
        {
            var (mean, min) = Cosines(vectors[v + 1], vectors[0]);
            var r = rates[v + 1].Zip(rates[0], (x, f) => x / f).ToArray();
            Console.WriteLine($"| {variants[v].Name} | {EmbeddingHarness.Median(rates[v + 1]):F1} | {EmbeddingHarness.Median(r):F3} [{Quantile(r, 0.25):F3}–{Quantile(r, 0.75):F3}] | {mean:F5} | {min:F5} |");
        }
        foreach (var m in models)
            (m as IDisposable)?.Dispose();
    }

    private static (byte[] Bytes, OnnxQuantizer.Report Report) Quantized(byte[] model, OnnxQuantizer.Options options)
    {
        var bytes = OnnxQuantizer.QuantizeDynamicInt8(model, options, out var report);
        return (bytes, report);
    }

    private static ITransformer Fit(MLContext ml, IDataView data, ContextualEncoder encoder, int batch, int threads) =>
        ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text", new ContextualEmbeddingOptions
        {
            Encoder = encoder, Pooling = ContextualPooling.Mean, BatchSize = batch, IntraOpThreads = threads, CacheSizeMB = 0,
        }).Fit(data);

    /// <summary>Each round walks the rows in chunks of <c>chunk</c>; every chunk is run by every model, the order rotated
    /// chunk by chunk, so load from other processes falls on all alike. Rates per model and per chunk (all rounds),
    /// ratios model 1 ÷ model 0 per chunk, and the vectors.</summary>
    private static (List<double>[] Rates, double[] Ratios, float[][] Vectors) Interleave(IDataView data, int count, int rounds, int chunk, IReadOnlyList<ITransformer> models)
    {
        var ml = new MLContext();
        int d = EmbeddingHarness.Dimension;
        var rows = ml.Data.CreateEnumerable<TextRow>(data, reuseRowObject: false).ToArray();
        var chunks = rows.Chunk(chunk).Select(c => ml.Data.LoadFromEnumerable(c)).ToArray();
        var vectors = models.Select(_ => new float[count * d]).ToArray();
        foreach (var m in models)
            EmbeddingHarness.ReadVectors(m.Transform(ml.Data.TakeRows(data, 64)), "Features", null);   // warm-up
        var rates = models.Select(_ => new List<double>()).ToArray();
        var watch = new Stopwatch();
        for (int r = 0; r < rounds; r++)
        {
            for (int c = 0; c < chunks.Length; c++)
                for (int k = 0; k < models.Count; k++)
                {
                    int m = (k + c + r) % models.Count;
                    watch.Restart();
                    long n = EmbeddingHarness.ReadVectors(models[m].Transform(chunks[c]), "Features", vectors[m], c * chunk * d);
                    rates[m].Add(n / watch.Elapsed.TotalSeconds);
                }
            Console.WriteLine($"  round {r + 1}: median per chunk {string.Join(", ", rates.Select(x => EmbeddingHarness.Median(x.Skip(r * chunks.Length)).ToString("F1")))} sentences/s; load {EmbedThroughput.LoadAverage()}");
        }
        var ratios = rates.Length > 1 ? rates[1].Zip(rates[0], (i, f) => i / f).ToArray() : [];
        return (rates, ratios, vectors);
    }

    private static double Quantile(double[] values, double q)
    {
        var v = values.Order().ToArray();
        double at = q * (v.Length - 1);
        int lo = (int)Math.Floor(at), hi = (int)Math.Ceiling(at);
        return v[lo] + (v[hi] - v[lo]) * (at - lo);
    }

    private static (double Mean, double Min) Cosines(float[] a, float[] b)
    {
        int d = EmbeddingHarness.Dimension, n = a.Length / d;
        double sum = 0, min = 1;
        for (int i = 0; i < n; i++)
        {
            double c = TensorPrimitives.CosineSimilarity(a.AsSpan(i * d, d), b.AsSpan(i * d, d));
            sum += c;
            min = Math.Min(min, c);
        }
        return (sum / n, min);
    }
}

/// <summary>The first rows of a data view.</summary>
file static class DataViewTake
{
    public static IDataView Take(this IDataView data, int rows) => new MLContext().Data.TakeRows(data, rows);
}

using System.Diagnostics;
using Microsoft.ML;

namespace MLNetContextual.Bench.Embedding;

/// <summary>
/// <c>embed-throughput [--rows 10000] [--rounds 1] [--chunk 1000] [--batch 32] [--max-tokens 256] [--threads cores]
/// [--skip stock] [--profile 1]</c>: sentences per second over the first SST-2 train sentences, enumerated through a
/// cursor over the output column, for our ApplyContextualEmbedding, (a) stock ML.NET ApplyOnnxModel with the same
/// tokenizer and pooling, (b) a plain ONNX Runtime loop (batches of <c>--batch</c> rows in input order), and (b′) the same
/// loop grouping rows by length within the window our transform reads ahead, all in one process.
/// </summary>
/// <remarks>
/// The machine is shared, so contenders are interleaved finely: each round walks the rows in chunks, and every chunk is
/// run by every contender (order rotated chunk by chunk) before the next chunk, so load from other processes falls on
/// all of them alike. Each chunk is one repetition: reported are the rate over all rows, the median rate per chunk, and
/// the median (with quartiles) of the per-chunk ratios ours ÷ contender, taken from runs seconds apart. <c>--profile 1</c> adds the parts of our path timed alone (see <see cref="ThroughputProfile"/>).
/// </remarks>
internal static class EmbedThroughput
{
    private sealed record Contender(string Name, Func<int, float[], long> Run);

    public static int Run(string[] args)
    {
        var a = new BenchArgs(args);
        int rows = a.Int("rows", 10_000), rounds = a.Int("rounds", 1), batch = a.Int("batch", 32), chunk = a.Int("chunk", 1000);
        int maxTokens = a.Int("max-tokens", 256), threads = a.Threads;
        bool skipStock = a.String("skip", "") == "stock";

        var sentences = SentenceSources.Sst2Train().Take(rows).ToArray();
        var lengths = sentences.Select(s => BertTextTokenizer.MiniLM.Encode(s, maxTokens).Length).ToArray();
        int padded = lengths.Max();
        Console.WriteLine($"machine: {EmbeddingHarness.MachineLine()}");
        Console.WriteLine($"date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; load average at start: {LoadAverage()}");
        Console.WriteLine($"rows {sentences.Length} (SST-2 train, file order) in chunks of {chunk}; tokens per row incl. [CLS]/[SEP]: mean {lengths.Average():F1}, max {padded}; " +
                          $"batch {batch}, MaxTokens {maxTokens}, IntraOpThreads {threads}; (a) pads every row to {padded}");

        var ml = new MLContext(seed: 1);
        var chunks = sentences.Chunk(chunk).ToArray();
        var views = chunks.Select(c => ml.Data.LoadFromEnumerable(c.Select(s => new TextRow { Text = s }).ToArray())).ToArray();
        byte[] model = EmbeddingHarness.MiniLMBytes();

        var ours = EmbeddingHarness.FitOurs(ml, views[0], batch, maxTokens, threads);
        using var plain = new PlainOrtEmbedder(model, batch, maxTokens, threads);
        using var stock = skipStock ? null : new StockOnnxPipeline(ml, model, views[0], padded, threads);

        int Offset(int c) => c * chunk * EmbeddingHarness.Dimension;
        // Our transform reads EncoderOptions.ReadAheadBatches batches ahead and runs them grouped by length; (b′) does the
        // same in the plain loop, so ours ÷ (b′) isolates what ML.NET's plumbing costs.
        int window = new EncoderOptions().ReadAheadBatches * batch;
        using var grouped = new PlainOrtEmbedder(model, batch, maxTokens, threads, sortWindow: window);
        var contenders = new List<Contender>
        {
            new("ours: ApplyContextualEmbedding", (c, into) => EmbeddingHarness.ReadVectors(ours.Transform(views[c]), "Features", into, Offset(c))),
            new("(b) plain ONNX Runtime loop", (c, into) => { plain.Embed(chunks[c], into.AsSpan(Offset(c))); return chunks[c].Length; }),
            new($"(b′) plain loop, grouped by length like ours", (c, into) => { grouped.Embed(chunks[c], into.AsSpan(Offset(c))); return chunks[c].Length; }),
        };
        if (stock != null)
            contenders.Insert(1, new("(a) stock ApplyOnnxModel", (c, into) => EmbeddingHarness.ReadVectors(stock.Model.Transform(views[c]), "Features", into, Offset(c))));
        Console.WriteLine($"padding efficiency (real ÷ sent tokens): (b) batches in input order {plain.PaddingEfficiency(sentences):P1}; " +
                          $"ours and (b′) grouped by length within {window} rows {grouped.PaddingEfficiency(sentences):P1}; (a) fixed length {lengths.Average() / padded:P1}");
        if (a.Int("profile", 0) != 0)
        {
            var sweep = new[] { 1, 2, 4, 8, 16, 32 }.Select(k =>
                $"{k * batch} rows {PlainOrtEmbedder.PaddingEfficiency(sentences, batch, k * batch, sort: true, maxTokens):P1}");
            Console.WriteLine($"padding efficiency when grouping by length within windows of: {string.Join("; ", sweep)}");
        }
        if (rounds == 0)
            return 0;       // --rounds 0: the row statistics only
        if (a.Int("profile", 0) != 0)
            contenders.AddRange(ThroughputProfile.Contenders(views, chunks, (ContextualEmbeddingTransformer)ours, window, maxTokens, model, batch, threads)
                .Select(p => new Contender(p.Name, p.Run)));

        // Warm-up: JIT, ONNX Runtime's first runs, thread pools.
        var warmup = new float[sentences.Length * EmbeddingHarness.Dimension];
        foreach (var contender in contenders)
            contender.Run(0, warmup);

        var outputs = contenders.Select(_ => new float[sentences.Length * EmbeddingHarness.Dimension]).ToArray();
        var times = contenders.Select(_ => new List<double>()).ToArray();     // seconds per chunk, all rounds
        var sizes = new List<int>();
        var watch = new Stopwatch();
        for (int round = 0; round < rounds; round++)
        {
            for (int c = 0; c < chunks.Length; c++)
            {
                for (int k = 0; k < contenders.Count; k++)
                {
                    int who = (k + c + round) % contenders.Count;     // rotate the order chunk by chunk
                    watch.Restart();
                    long n = contenders[who].Run(c, outputs[who]);
                    watch.Stop();
                    if (n != chunks[c].Length)
                        throw new InvalidOperationException($"{contenders[who].Name} returned {n} rows for chunk {c}, expected {chunks[c].Length}.");
                    times[who].Add(watch.Elapsed.TotalSeconds);
                }
                sizes.Add(chunks[c].Length);
                Console.WriteLine($"  round {round + 1} chunk {c + 1}/{chunks.Length}: " +
                                  string.Join(", ", contenders.Select((x, i) => $"{chunks[c].Length / times[i][^1]:F1}")) + $" sentences/s; load {LoadAverage()}");
            }
        }

        int plainIndex = contenders.FindIndex(c => c.Name.StartsWith("(b)", StringComparison.Ordinal));
        Console.WriteLine();
        Console.WriteLine($"| pipeline | sentences/s, all {rounds * sentences.Length} rows | median per chunk of {chunk} | µs/row | ours ÷ this: median of {sizes.Count} per-chunk ratios [quartiles] | max abs diff vs (b) | min cosine vs (b) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        for (int c = 0; c < contenders.Count; c++)
        {
            double total = times[c].Sum();
            var ratios = times[c].Zip(times[0], (t, o) => t / o).ToArray();
            bool embeds = outputs[c].AsSpan(0, EmbeddingHarness.Dimension).ContainsAnyExcept(0f);
            var (maxAbs, minCos) = embeds ? EmbeddingHarness.Compare(outputs[c], outputs[plainIndex]) : (double.NaN, double.NaN);
            Console.WriteLine($"| {contenders[c].Name} | {sizes.Sum() / total:F1} | {EmbeddingHarness.Median(times[c].Zip(sizes, (t, n) => n / t)):F1} | " +
                              $"{total * 1e6 / sizes.Sum():F1} | " +
                              $"{(c == 0 ? "—" : $"{EmbeddingHarness.Median(ratios):F3} [{Quantile(ratios, 0.25):F3}–{Quantile(ratios, 0.75):F3}]")} | " +
                              $"{(embeds ? maxAbs.ToString("E1") : "—")} | {(embeds ? minCos.ToString("F6") : "—")} |");
        }
        Console.WriteLine($"load average at end: {LoadAverage()}");
        (ours as IDisposable)?.Dispose();
        return 0;
    }

    private static double Quantile(double[] values, double q)
    {
        var v = values.Order().ToArray();
        double at = q * (v.Length - 1);
        int lo = (int)Math.Floor(at), hi = (int)Math.Ceiling(at);
        return v[lo] + (v[hi] - v[lo]) * (at - lo);
    }

    internal static string LoadAverage()
    {
        try
        {
            return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}

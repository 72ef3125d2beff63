using System.Diagnostics;
using Microsoft.ML;

namespace MLNetContextual.Bench.Embedding;

/// <summary>
/// <c>embed-throughput [--rows 10000] [--rounds 3] [--batch 32] [--max-tokens 256] [--threads cores] [--skip stock]</c>:
/// sentences per second over the first SST-2 train sentences, enumerated through a cursor, for our
/// ApplyContextualEmbedding, (a) stock ML.NET ApplyOnnxModel with the same tokenizer and pooling, and (b) a plain
/// ONNX Runtime loop; interleaved rounds in one process (order rotated each round), medians and per-round ratios.
/// </summary>
internal static class EmbedThroughput
{
    private sealed record Contender(string Name, Func<float[], long> Run);

    public static int Run(string[] args)
    {
        var a = new BenchArgs(args);
        int rows = a.Int("rows", 10_000), rounds = a.Int("rounds", 3), batch = a.Int("batch", 32);
        int maxTokens = a.Int("max-tokens", 256), threads = a.Threads;
        bool skipStock = a.String("skip", "") == "stock";

        var sentences = SentenceSources.Sst2Train().Take(rows).ToArray();
        var lengths = sentences.Select(s => BertTextTokenizer.MiniLM.Encode(s, maxTokens).Length).ToArray();
        int padded = lengths.Max();
        Console.WriteLine($"machine: {EmbeddingHarness.MachineLine()}");
        Console.WriteLine($"date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; load average at start: {LoadAverage()}");
        Console.WriteLine($"rows {sentences.Length} (SST-2 train, file order); tokens per row incl. [CLS]/[SEP]: mean {lengths.Average():F1}, max {padded}; " +
                          $"batch {batch}, MaxTokens {maxTokens}, IntraOpThreads {threads}; (a) pads every row to {padded}");

        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(sentences.Select(s => new TextRow { Text = s }).ToArray());
        var warm = ml.Data.TakeRows(data, Math.Min(rows, 4 * batch));
        byte[] model = EmbeddingHarness.MiniLMBytes();

        var ours = EmbeddingHarness.FitOurs(ml, data, batch, maxTokens, threads);
        using var plain = new PlainOrtEmbedder(model, batch, maxTokens, threads);
        using var stock = skipStock ? null : new StockOnnxPipeline(ml, model, data, padded, maxTokens, threads);
        model = null;

        var contenders = new List<Contender>
        {
            new("ours: ApplyContextualEmbedding", into => EmbeddingHarness.ReadVectors(ours.Transform(data), "Features", into)),
            new("(b) plain ONNX Runtime loop", into => { plain.Embed(sentences, into); return sentences.Length; }),
        };
        if (stock != null)
            contenders.Insert(1, new("(a) stock ApplyOnnxModel", into => EmbeddingHarness.ReadVectors(stock.Model.Transform(data), "Features", into)));

        // Warm-up: JIT, ONNX Runtime's first runs and thread pool.
        EmbeddingHarness.ReadVectors(ours.Transform(warm), "Features", null);
        plain.Embed(sentences.Take(4 * batch).ToArray(), new float[4 * batch * EmbeddingHarness.Dimension]);
        if (stock != null)
            EmbeddingHarness.ReadVectors(stock.Model.Transform(warm), "Features", null);

        var outputs = contenders.Select(_ => new float[sentences.Length * EmbeddingHarness.Dimension]).ToArray();
        var rates = contenders.Select(_ => new List<double>()).ToArray();
        for (int round = 0; round < rounds; round++)
        {
            for (int k = 0; k < contenders.Count; k++)
            {
                int c = (k + round) % contenders.Count;           // rotate the order each round
                GC.Collect();
                GC.WaitForPendingFinalizers();
                var sw = Stopwatch.StartNew();
                long n = contenders[c].Run(outputs[c]);
                sw.Stop();
                if (n != sentences.Length)
                    throw new InvalidOperationException($"{contenders[c].Name} returned {n} rows, expected {sentences.Length}.");
                rates[c].Add(n / sw.Elapsed.TotalSeconds);
                Console.WriteLine($"  round {round + 1}: {contenders[c].Name,-32} {rates[c][^1],8:F1} sentences/s  ({sw.Elapsed.TotalSeconds:F1} s)");
            }
        }

        int plainIndex = contenders.Count - 1;
        Console.WriteLine();
        Console.WriteLine("| pipeline | sentences/s (median) | rounds | ours / this (median of per-round ratios) | max abs diff vs (b) | min cosine vs (b) |");
        Console.WriteLine("|---|---:|---|---:|---:|---:|");
        for (int c = 0; c < contenders.Count; c++)
        {
            var ratios = Enumerable.Range(0, rounds).Select(r => rates[0][r] / rates[c][r]);
            var (maxAbs, minCos) = EmbeddingHarness.Compare(outputs[c], outputs[plainIndex]);
            Console.WriteLine($"| {contenders[c].Name} | {EmbeddingHarness.Median(rates[c]):F1} | {string.Join(" / ", rates[c].Select(x => x.ToString("F1")))} | " +
                              $"{(c == 0 ? "—" : EmbeddingHarness.Median(ratios).ToString("F3"))} | {maxAbs:E1} | {minCos:F6} |");
        }
        Console.WriteLine($"load average at end: {LoadAverage()}");
        (ours as IDisposable)?.Dispose();
        return 0;
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

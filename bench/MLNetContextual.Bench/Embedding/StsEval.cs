using System.Diagnostics;
using System.Numerics.Tensors;
using Microsoft.ML;

namespace MLNetContextual.Bench.Embedding;

/// <summary>
/// <c>sts-eval [--batch 32] [--threads cores]</c>: STS Benchmark dev, cosine similarity of mean-pooled embeddings against
/// the gold scores (Spearman), through the ML.NET pipeline (ApplyContextualEmbedding with default options) and through
/// a hand-written ONNX Runtime loop. Reference: 0.8678 (ARCHITECTURE.md §3); goal: within 0.002.
/// </summary>
internal static class StsEval
{
    public const double Reference = 0.8678, Tolerance = 0.002;

    public static int Run(string[] args)
    {
        var a = new BenchArgs(args);
        int batch = a.Int("batch", 32), threads = a.Threads;
        var pairs = SentenceSources.StsDev();
        var texts = pairs.SelectMany(p => new[] { p.First, p.Second }).ToArray();   // row 2i: first, 2i+1: second
        var gold = pairs.Select(p => p.Gold).ToArray();
        Console.WriteLine($"machine: {EmbeddingHarness.MachineLine()}");
        Console.WriteLine($"date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; STS-B dev: {pairs.Count} pairs; batch {batch}, IntraOpThreads {threads}");

        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(texts.Select(t => new TextRow { Text = t }).ToArray());
        var pipelineVectors = new float[texts.Length * EmbeddingHarness.Dimension];
        var sw = Stopwatch.StartNew();
        var model = ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text").Fit(data);   // defaults: Mean, MaxTokens 256
        EmbeddingHarness.ReadVectors(model.Transform(data), "Features", pipelineVectors);
        double pipelineSeconds = sw.Elapsed.TotalSeconds;
        (model as IDisposable)?.Dispose();

        var loopVectors = new float[texts.Length * EmbeddingHarness.Dimension];
        sw.Restart();
        using (var loop = new PlainOrtEmbedder(EmbeddingHarness.MiniLMBytes(), batch, 256, threads))
            loop.Embed(texts, loopVectors);
        double loopSeconds = sw.Elapsed.TotalSeconds;

        // Diagnostic: the same loop without ONNX Runtime's graph fusions (exact-math reference for the fused kernels).
        var unfusedVectors = new float[texts.Length * EmbeddingHarness.Dimension];
        sw.Restart();
        using (var loop = new PlainOrtEmbedder(EmbeddingHarness.MiniLMBytes(), batch, 256, threads,
                   optimization: Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_DISABLE_ALL))
            loop.Embed(texts, unfusedVectors);
        double unfusedSeconds = sw.Elapsed.TotalSeconds;

        var (maxAbs, minCos) = EmbeddingHarness.Compare(pipelineVectors, loopVectors);
        var (maxAbsUnfused, minCosUnfused) = EmbeddingHarness.Compare(unfusedVectors, loopVectors);
        Console.WriteLine();
        Console.WriteLine("| embeddings | Spearman ×100 | Pearson ×100 | |Δ| vs 0.8678 | within 0.002 | seconds (load + embed) |");
        Console.WriteLine("|---|---:|---:|---:|---|---:|");
        foreach (var (name, vectors, seconds) in new[] { ("ML.NET pipeline (ApplyContextualEmbedding)", pipelineVectors, pipelineSeconds), ("hand-written ONNX Runtime loop", loopVectors, loopSeconds),
                     ("  same loop, graph optimizations off (diagnostic)", unfusedVectors, unfusedSeconds) })
        {
            var scores = Cosines(vectors, pairs.Count);
            double spearman = Correlation.Spearman(scores, gold), pearson = Correlation.Pearson(scores, gold);
            double delta = Math.Abs(spearman - Reference);
            Console.WriteLine($"| {name} | {spearman * 100:F2} ({spearman:F5}) | {pearson * 100:F2} | {delta:F4} | {(delta <= Tolerance ? "yes" : "NO")} | {seconds:F1} |");
        }
        Console.WriteLine($"pipeline vs loop embeddings: max abs diff {maxAbs:E1}, min cosine {minCos:F6}; " +
                          $"loop with vs without graph optimizations: max abs diff {maxAbsUnfused:E1}, min cosine {minCosUnfused:F6}");
        return 0;
    }

    private static double[] Cosines(float[] vectors, int pairs)
    {
        int d = EmbeddingHarness.Dimension;
        var result = new double[pairs];
        for (int i = 0; i < pairs; i++)
            result[i] = TensorPrimitives.CosineSimilarity(vectors.AsSpan(2 * i * d, d), vectors.AsSpan((2 * i + 1) * d, d));
        return result;
    }
}

using System.Text.Json;
using MLNetContextual.Onnx;

namespace MLNetContextual.Bench.Embedding;

/// <summary>
/// Where ONNX Runtime spends its time in the MiniLM, fp32 against the int8 graphs: each model runs the same SST-2 sentences
/// (batches of 32 grouped by length, as the library batches them) with ONNX Runtime's profiler on, and the kernel times are
/// summed per operator type. It answers what int8 can gain at most here: only the MatMuls get cheaper, so
/// 1 / ((1 − f) + f / s) bounds the speed-up for a MatMul share f of the fp32 time and a MatMul speed-up s.
/// </summary>
internal static class OnnxProfileBench
{
    public static int Run(string[] args)
    {
        var a = new BenchArgs(args);
        int count = a.Int("count", 2000), threads = a.Threads, batch = a.Int("batch", 32);
        var sentences = SentenceSources.Sst2Train().Take(count).ToArray();
        Console.WriteLine($"machine: {EmbeddingHarness.MachineLine()}");
        Console.WriteLine($"date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; load average at start: {EmbedThroughput.LoadAverage()}");
        Console.WriteLine($"{sentences.Length} SST-2 train sentences, batch {batch} grouped by length within 256 rows, IntraOpThreads {threads}, spinning off, profiler on (two warm-up batches first, left out)");

        byte[] fp32 = EmbeddingHarness.MiniLMBytes();
        var models = new (string Name, byte[] Bytes)[]
        {
            ("fp32", fp32),
            ("int8 per token (the default)", OnnxQuantizer.QuantizeDynamicInt8(fp32, OnnxQuantizer.Default, out _)),
            ("int8 per token, output scaling fused", OnnxQuantizer.QuantizeDynamicInt8(fp32, new OnnxQuantizer.Options(OnnxQuantizer.Kernel.PerTokenFused), out _)),
            ("int8 per tensor, standard ops", OnnxQuantizer.QuantizeDynamicInt8(fp32, new OnnxQuantizer.Options(OnnxQuantizer.Kernel.StandardOps), out _)),
            ("int8 per tensor, com.microsoft DynamicQuantizeMatMul", OnnxQuantizer.QuantizeDynamicInt8(fp32, new OnnxQuantizer.Options(OnnxQuantizer.Kernel.ContribOps), out _)),
        };
        var result = new float[sentences.Length * PlainOrtEmbedder.Dimension];
        var profiles = new List<(string Name, Dictionary<string, double> PerOp, double RunMs)>();
        string dir = Path.Combine(Path.GetTempPath(), "mlnetctx-onnx-profile-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        try
        {
            foreach (var (name, bytes) in models)
            {
                using var embedder = new PlainOrtEmbedder(bytes, batch, 128, threads, sortWindow: 256, allowSpinning: false,
                    profilePrefix: Path.Combine(dir, "p"));
                embedder.Embed(sentences[..Math.Min(sentences.Length, 2 * batch)], result);   // warm-up: two runs, left out below
                embedder.Embed(sentences, result);
                string file = embedder.EndProfiling();
                var (perOp, runMs) = Summarise(file, warmupRuns: (Math.Min(sentences.Length, 2 * batch) + batch - 1) / batch);
                profiles.Add((name, perOp, runMs));
                Console.WriteLine($"{name}: model_run total {runMs:F0} ms ({sentences.Length / (runMs / 1000):F1} sentences/s under the profiler)");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        Console.WriteLine();
        var ops = profiles.SelectMany(p => p.PerOp).GroupBy(kv => kv.Key).OrderByDescending(g => g.Max(kv => kv.Value)).Select(g => g.Key).ToList();
        Console.WriteLine("| operator (kernel time, ms per 1,000 sentences) | " + string.Join(" | ", profiles.Select(p => p.Name)) + " |");
        Console.WriteLine("|---|" + string.Concat(profiles.Select(_ => "---:|")));
        double Per1000(double ms) => ms * 1000 / sentences.Length;
        foreach (var op in ops)
            Console.WriteLine($"| {op} | " + string.Join(" | ", profiles.Select(p => p.PerOp.TryGetValue(op, out var ms)
                ? $"{Per1000(ms):F0} ({100 * ms / p.PerOp.Values.Sum():F1} %)" : "—")) + " |");
        Console.WriteLine("| all kernels | " + string.Join(" | ", profiles.Select(p => $"{Per1000(p.PerOp.Values.Sum()):F0}")) + " |");
        Console.WriteLine("| model_run (wall) | " + string.Join(" | ", profiles.Select(p => $"{Per1000(p.RunMs):F0}")) + " |");

        // The bound: fp32's MatMul-family share against the int8 graphs' time in their integer GEMMs.
        var f32 = profiles[0].PerOp;
        double fp32Total = f32.Values.Sum(), fp32Gemm = GemmTime(f32);
        Console.WriteLine();
        Console.WriteLine($"fp32: MatMul-family kernels {100 * fp32Gemm / fp32Total:F1} % of kernel time");
        foreach (var (name, perOp, _) in profiles.Skip(1))
        {
            double gemm = GemmTime(perOp), total = perOp.Values.Sum();
            double s = fp32Gemm / gemm, bound = 1 / ((fp32Total - fp32Gemm) / fp32Total + fp32Gemm / fp32Total / s);
            Console.WriteLine($"{name}: integer GEMM {gemm * 1000 / sentences.Length:F0} ms/1,000 (fp32 MatMul ÷ it = {s:F2}×); " +
                $"kernels overall fp32 ÷ int8 = {fp32Total / total:F2}×; if the rest cost nothing extra: {bound:F2}×");
        }
        return 0;
    }

    // MatMul-family kernels: fp32 MatMul and what ORT fuses it into, the int8 graphs' integer GEMMs.
    private static double GemmTime(Dictionary<string, double> perOp) =>
        perOp.Where(kv => kv.Key is "MatMul" or "FusedMatMul" or "Gemm" or "MatMulInteger" or "DynamicQuantizeMatMul" or "MatMulIntegerToFloat" or "QAttention")
             .Sum(kv => kv.Value);

    /// <summary>Kernel time per operator type (ms) and the summed model_run time from one ONNX Runtime profile file; the
    /// first <paramref name="warmupRuns"/> runs (allocations, first-touch of the weights) are left out.</summary>
    internal static (Dictionary<string, double> PerOp, double RunMs) Summarise(string file, int warmupRuns)
    {
        using var stream = File.OpenRead(file);
        using var doc = JsonDocument.Parse(stream);
        var events = doc.RootElement.EnumerateArray().ToList();
        static string Str(JsonElement e, string p) => e.TryGetProperty(p, out var v) ? v.GetString() : null;
        static double Num(JsonElement e, string p) => e.TryGetProperty(p, out var v) ? v.GetDouble() : 0;
        // The end of the last warm-up run (µs since the profiler started).
        double skipUntil = events.Where(e => Str(e, "cat") == "Session" && Str(e, "name") == "model_run")
            .Select(e => Num(e, "ts") + Num(e, "dur")).Order().Take(warmupRuns).DefaultIfEmpty(0).Max();
        var perOp = new Dictionary<string, double>(StringComparer.Ordinal);
        double run = 0;
        foreach (var e in events.Where(e => Num(e, "ts") >= skipUntil))
        {
            string cat = Str(e, "cat"), name = Str(e, "name") ?? "";
            double ms = Num(e, "dur") / 1000;
            if (cat == "Session" && name == "model_run")
                run += ms;
            else if (cat == "Node" && name.EndsWith("_kernel_time", StringComparison.Ordinal)
                     && e.TryGetProperty("args", out var args) && args.TryGetProperty("op_name", out var op))
                perOp[op.GetString()] = perOp.GetValueOrDefault(op.GetString()) + ms;
        }
        return (perOp, run);
    }
}

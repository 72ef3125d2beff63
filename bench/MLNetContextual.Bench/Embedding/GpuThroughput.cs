using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using MLNetContextual.Onnx;

namespace MLNetContextual.Bench.Embedding;

/// <summary>
/// <c>gpu-throughput [--device 0] [--count 4096] [--batches 32,128,512] [--rounds 3] [--max-tokens 128]</c>: the embedded
/// MiniLM on an NVIDIA GPU through ApplyContextualEmbedding (<see cref="EncoderOptions.GpuDeviceId"/>, mean pooling,
/// cache off), fp32 and fp16 (<see cref="OnnxFloat16"/>: weights and computation float16, outputs cast back to float),
/// at each batch size: sentences/s (median of interleaved rounds over the first <c>--count</c> SST-2 train sentences)
/// and the largest absolute difference (and smallest cosine) of the fp16 vectors to the fp32 ones.
/// </summary>
/// <remarks>
/// Needs the CUDA build of ONNX Runtime, which only the bench can be built with:
/// <c>dotnet build bench/MLNetContextual.Bench -c Release -p:MLNetContextualGpu=true</c> swaps the CPU package's native
/// library for Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0 (its CUDA provider loads the CUDA 13 libraries, libcublasLt.so.13 first, and cuDNN). Without it, or without a
/// usable GPU, the verb stops with a message saying which is missing (exit code 3).
/// </remarks>
internal static class GpuThroughput
{
    public static int Run(string[] args)
    {
        var a = new BenchArgs(args);
        int device = a.Int("device", 0), count = a.Int("count", 4096), rounds = a.Int("rounds", 3), maxTokens = a.Int("max-tokens", 128);
        var batches = a.String("batches", "32,128,512").Split(',').Select(int.Parse).ToArray();

        var providers = OrtEnv.Instance().GetAvailableProviders();
        if (!providers.Contains("CUDAExecutionProvider"))
        {
            Console.Error.WriteLine($"gpu-throughput: this build's ONNX Runtime has no CUDA execution provider (it has: {string.Join(", ", providers)}). " +
                                    "Build the bench with -p:MLNetContextualGpu=true (Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0) and run it on a machine with an NVIDIA GPU and the CUDA 13 and cuDNN libraries.");
            return 3;
        }

        var sentences = SentenceSources.Sst2Train().Take(count).ToArray();
        Console.WriteLine($"machine: {EmbeddingHarness.MachineLine()}; CUDA device {device}; providers: {string.Join(", ", providers)}");
        Console.WriteLine($"date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {sentences.Length} SST-2 train sentences, MaxTokens {maxTokens}, {rounds} round(s), mean pooling, cache off");

        var sw = Stopwatch.StartNew();
        var fp16Bytes = OnnxFloat16.Convert(EmbeddingHarness.MiniLMBytes());
        var fp16 = BertOnnxEncoder.FromSaved(ContextualEncoder.MiniLM.Name + "-fp16", fp16Bytes, ContextualEncoder.MiniLM.Vocabulary.ReadAll(), lowerCase: true, maxPositions: 512);
        Console.WriteLine($"fp16 graph: {fp16Bytes.Length / 1e6:F1} MB, converted in {sw.Elapsed.TotalSeconds:F2} s");

        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(sentences.Select(s => new TextRow { Text = s }).ToArray());
        bool header = false;
        foreach (int batch in batches)
        {
            ITransformer[] models;
            try
            {
                models = [Fit(ml, data, ContextualEncoder.MiniLM, batch, maxTokens, device), Fit(ml, data, fp16, batch, maxTokens, device)];
            }
            catch (Exception e) when (e is InvalidOperationException or InvalidDataException or OnnxRuntimeException)
            {
                Console.Error.WriteLine($"gpu-throughput: the CUDA provider is there but GPU {device} cannot run the model: {e.Message}");
                return 3;
            }
            if (!header)
            {
                Console.WriteLine();
                Console.WriteLine($"| batch | fp32 sentences/s (median of {rounds}) | fp16 sentences/s | fp16 ÷ fp32 (median of per-round ratios) | max abs diff fp16 vs fp32 | min cosine |");
                Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
                header = true;
            }
            var vectors = models.Select(_ => new float[sentences.Length * EmbeddingHarness.Dimension]).ToArray();
            foreach (var m in models)
                EmbeddingHarness.ReadVectors(m.Transform(ml.Data.TakeRows(data, batch)), "Features", null);   // warm-up
            var rates = models.Select(_ => new List<double>()).ToArray();
            for (int r = 0; r < rounds; r++)
                foreach (int m in r % 2 == 0 ? new[] { 0, 1 } : [1, 0])
                {
                    sw.Restart();
                    long n = EmbeddingHarness.ReadVectors(models[m].Transform(data), "Features", vectors[m]);
                    rates[m].Add(n / sw.Elapsed.TotalSeconds);
                }
            var (maxAbs, minCos) = EmbeddingHarness.Compare(vectors[1], vectors[0]);
            var ratios = rates[1].Zip(rates[0], (h, f) => h / f);
            Console.WriteLine($"| {batch} | {EmbeddingHarness.Median(rates[0]):F0} | {EmbeddingHarness.Median(rates[1]):F0} | {EmbeddingHarness.Median(ratios):F2} | {maxAbs:E2} | {minCos:F6} |");
            foreach (var m in models)
                (m as IDisposable)?.Dispose();
        }
        return 0;
    }

    private static ITransformer Fit(MLContext ml, IDataView data, ContextualEncoder encoder, int batch, int maxTokens, int device) =>
        ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text", new ContextualEmbeddingOptions
        {
            Encoder = encoder, Pooling = ContextualPooling.Mean, BatchSize = batch, MaxTokens = maxTokens, CacheSizeMB = 0,
            GpuDeviceId = device, FallbackToCpu = false,
        }).Fit(data);
}

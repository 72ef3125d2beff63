using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNetContextual.Bench;

/// <summary>
/// bert-forward [batch] [tokens] [runs] [threads]: median forward time of the embedded all-MiniLM-L6-v2 in TorchSharp
/// (BertWeights.FromMiniLM) and in ONNX Runtime on the same random ids (default 32 × 32 tokens, 7 runs, all cores).
/// </summary>
internal static class BertForwardBench
{
    public static int Run(string[] args)
    {
        int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i]) : fallback;
        int batch = Arg(0, 32), tokens = Arg(1, 32), runs = Arg(2, 7), threads = Arg(3, Environment.ProcessorCount);

        var rng = new Random(7);
        var ids = Enumerable.Range(0, batch * tokens)
            .Select(i => i % tokens == 0 ? 101L : i % tokens == tokens - 1 ? 102L : rng.Next(1000, 30000)).ToArray();
        var mask = Enumerable.Repeat(1L, ids.Length).ToArray();

        using var model = BertWeights.FromMiniLM();
        torch.set_num_threads(threads);
        using var options = new SessionOptions { IntraOpNumThreads = threads };
        using var session = new InferenceSession(ContextualEncoder.MiniLM.Model.ReadAll(), options);

        double torchMs = Median(runs, () =>
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var (last, _) = model.call(tensor(ids, [batch, tokens]), tensor(mask, [batch, tokens]), zeros(batch, tokens, dtype: int64));
            GC.KeepAlive(last.data<float>()[0]);   // the values exist before the clock stops
        });
        int[] dims = [batch, tokens];
        double onnxMs = Median(runs, () =>
        {
            using var results = session.Run(
            [
                NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, dims)),
                NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(mask, dims)),
                NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(new long[ids.Length], dims)),
            ], ["last_hidden_state"]);
        });
        Console.WriteLine($"all-MiniLM-L6-v2 forward, batch {batch} x {tokens} tokens, {threads} threads, median of {runs}: " +
                          $"TorchSharp {torchMs:F1} ms, ONNX Runtime {onnxMs:F1} ms (TorchSharp/ORT = {torchMs / onnxMs:F2})");
        return 0;
    }

    private static double Median(int runs, Action run)
    {
        run();   // warm-up
        var times = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            run();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }
}

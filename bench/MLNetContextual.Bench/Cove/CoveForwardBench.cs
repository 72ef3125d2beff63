using System.Diagnostics;

namespace MLNetContextual.Bench.Cove;

/// <summary>
/// <c>cove-forward [--texts 500] [--threads 1] [--rounds 3]</c>: the published CoVe shape (GloVe 300-d, 2 × 300 per
/// direction; random weights saved and loaded as a wmtlstm .pth) over SST-2 sentences: texts/s of the managed session
/// (what the transforms run) against the TorchSharp module in batches of 32 (TorchTokenSession), the largest difference
/// between the two, interleaved rounds, medians.
/// </summary>
internal static class CoveForwardBench
{
    private static string Arg(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    public static int Run(string[] args)
    {
        int count = int.Parse(Arg(args, "--texts", "500")), threads = int.Parse(Arg(args, "--threads", "1")), rounds = int.Parse(Arg(args, "--rounds", "3"));
        var texts = File.ReadLines(Datasets.File("sst2", "train.tsv")).Skip(1).Select(l => l.Split('\t')[0]).Where(t => t.Split(' ').Length >= 8).Take(count).ToArray();
        var words = texts.SelectMany(t => new ElmoTokenizer().Split(t)).Select(t => t.Text.ToLowerInvariant()).Distinct().ToArray();
        var random = new Random(1);
        var vectors = new float[words.Length * 300];
        for (int i = 0; i < vectors.Length; i++)
            vectors[i] = (float)(random.NextDouble() * 0.8 - 0.4);
        var glove = new MLNetContextual.StaticEmbeddings(words, vectors, 300);
        string path = Path.Combine(Path.GetTempPath(), $"cove-forward-{Environment.ProcessId}.pth");
        Torch.TorchRuntime.EnsureLoaded();
        TorchSharp.torch.manual_seed(1);
        using (var lstm = TorchSharp.torch.nn.LSTM(300, 300, 2, batchFirst: true, bidirectional: true))
            TorchSharp.PyBridge.PyBridgeModuleExtensions.save_py(lstm, path);
        var cove = CoveEncoder.FromPyTorch(path, glove);
        File.Delete(path);
        var options = new EncoderOptions { Encoder = cove, IntraOpThreads = threads, BatchSize = 32, MaxTokens = 256 };
        using var managed = (ITokenEncoder)cove.Open(options);
        using var torch = new TorchTokenSession(cove, options);
        var encoded = texts.Select(t => managed.Encode(t)).ToArray();
        int tokens = encoded.Sum(e => e.Length);
        Console.WriteLine($"{texts.Length} SST-2 sentences, {tokens} words; GloVe 300-d, 2 × 300 per direction; {threads} thread(s).");
        var a = new float[encoded.Length][];
        var b = new float[encoded.Length][];
        var managedRates = new List<double>();
        var torchRates = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            var clock = Stopwatch.StartNew();
            managed.Run(encoded, [2], (i, s) => a[i] = s.Layer(0).ToArray());
            managedRates.Add(texts.Length / clock.Elapsed.TotalSeconds);
            clock.Restart();
            torch.Run(encoded, [2], (i, s) => b[i] = s.Layer(0).ToArray());
            torchRates.Add(texts.Length / clock.Elapsed.TotalSeconds);
        }
        double diff = 0;
        for (int i = 0; i < a.Length; i++)
            for (int j = 0; j < a[i].Length; j++)
                diff = Math.Max(diff, Math.Abs(a[i][j] - b[i][j]));
        double Median(List<double> x) => x.Order().ElementAt(x.Count / 2);
        Console.WriteLine($"managed: {Median(managedRates):F1} texts/s; TorchSharp (batches of 32): {Median(torchRates):F1} texts/s " +
            $"(median of {rounds} interleaved rounds; managed/TorchSharp {Median(managedRates) / Median(torchRates):F2}×); largest difference {diff:G3}.");
        return 0;
    }
}

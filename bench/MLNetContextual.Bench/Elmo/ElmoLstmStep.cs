using System.Diagnostics;
using MLNetContextual.Torch;
using static TorchSharp.torch;

namespace MLNetContextual.Bench.Elmo;

/// <summary>
/// elmo-lstm-step [--threads 2] [--repeats 7] [--hidden 256] [--batch 32] [--steps 40]: one training step (forward +
/// backward) of ELMo's LSTM stack sized as the PyTorch anchor — 2 layers × 2 directions, 256 cells, no
/// projection, input 256, batch 32 × 40 steps — through <see cref="ElmoLstmLayer"/> (TensorFlow's cell, stepped in C#).
/// Prints the median of the repeats. bench/Elmo/lstm_step.py is the PyTorch side.
/// </summary>
internal static class ElmoLstmStep
{
    public static int Run(string[] args)
    {
        int Int(string name, int fallback) { int i = Array.IndexOf(args, name); return i >= 0 ? int.Parse(args[i + 1]) : fallback; }
        int threads = Int("--threads", 2), repeats = Int("--repeats", 7), h = Int("--hidden", 256), b = Int("--batch", 32), t = Int("--steps", 40);
        TorchRuntime.EnsureLoaded();
        set_num_threads(threads);
        manual_seed(1);
        var config = new ElmoConfig { LstmDim = h, ProjectionDim = h, CellClip = 3, ProjectionClip = 3, Filters = [[1, h]] };
        var layers = new[] { new ElmoLstmLayer(h, config, false), new ElmoLstmLayer(h, config, true), new ElmoLstmLayer(h, config, false), new ElmoLstmLayer(h, config, true) };
        var x = randn(b, t, h);
        var times = new List<double>();
        for (int r = 0; r < repeats + 1; r++)
        {
            var clock = Stopwatch.StartNew();
            using (var scope = NewDisposeScope())
            {
                var f = layers[1].Run(layers[0].Run(x, null, null, null).Output, null, null, null).Output;
                var back = x.flip(1);
                var g = layers[3].Run(layers[2].Run(back, null, null, null).Output, null, null, null).Output;
                cat([f, g.flip(1)], 2).pow(2).mean().backward();
            }
            foreach (var l in layers)
                l.zero_grad();
            if (r > 0)
                times.Add(clock.Elapsed.TotalMilliseconds);     // the first run warms up
        }
        times.Sort();
        Console.WriteLine($"TorchSharp ElmoLstmLayer stack 2×{h} bidirectional, batch {b} × {t} steps, {threads} threads: forward+backward median {times[times.Count / 2]:F1} ms (min {times[0]:F1}, max {times[^1]:F1}, {repeats} runs)");
        return 0;
    }
}

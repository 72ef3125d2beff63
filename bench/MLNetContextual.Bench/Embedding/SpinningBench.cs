using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual.Bench;

/// <summary>
/// embed-spinning [rows] [rounds]: sentences/s of ApplyContextualEmbedding with ONNX Runtime's spin-waiting off (the
/// default) and on, interleaved in one run.
/// </summary>
internal static class SpinningBench
{
    public static int Run(string[] args)
    {
        int rows = args.Length > 0 ? int.Parse(args[0]) : 1000;
        int rounds = args.Length > 1 ? int.Parse(args[1]) : 5;
        var texts = File.ReadLines(Datasets.File("sst2", "train.tsv")).Skip(1).Take(rows).Select(l => new Text { Sentence = l.Split('\t')[0] }).ToArray();
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(texts);
        var models = new[] { false, true }.ToDictionary(spin => spin, spin => ml.Transforms.Text.ApplyContextualEmbedding("Features", "Sentence",
            new ContextualEmbeddingOptions { AllowSpinning = spin, IntraOpThreads = 2 }).Fit(data));
        var rates = models.Keys.ToDictionary(k => k, _ => new List<double>());
        for (int r = 0; r < rounds; r++)
            foreach (var (spin, model) in models)
            {
                var output = model.Transform(data);
                var watch = Stopwatch.StartNew();
                using (var cursor = output.GetRowCursor([output.Schema["Features"]]))
                {
                    var get = cursor.GetGetter<VBuffer<float>>(output.Schema["Features"]);
                    VBuffer<float> v = default;
                    while (cursor.MoveNext())
                        get(ref v);
                }
                rates[spin].Add(rows / watch.Elapsed.TotalSeconds);
                Console.WriteLine($"round {r} spinning {(spin ? "on " : "off")}: {rates[spin][^1]:F1} sentences/s");
            }
        double Median(List<double> x) => x.Order().ElementAt(x.Count / 2);
        Console.WriteLine($"median: off {Median(rates[false]):F1}/s, on {Median(rates[true]):F1}/s, off ÷ on {Median(rates[false]) / Median(rates[true]):F2}");
        foreach (var m in models.Values)
            m.Dispose();
        return 0;
    }

    private sealed class Text
    {
        public string Sentence { get; set; }
    }
}

using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual.Bench;

/// <summary>
/// embed-grouping [rows] [rounds]: sentences/s of ApplyContextualEmbedding with the cursor reading 1 batch ahead (each
/// batch padded to its longest row) against 4 batches ahead (rows grouped by length), interleaved in one run.
/// </summary>
internal static class LengthGroupingBench
{
    public static int Run(string[] args)
    {
        int rows = args.Length > 0 ? int.Parse(args[0]) : 2000;
        int rounds = args.Length > 1 ? int.Parse(args[1]) : 3;
        var texts = File.ReadLines(Datasets.File("sst2", "train.tsv")).Skip(1).Take(rows).Select(l => new Text { Sentence = l.Split('\t')[0] }).ToArray();
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(texts);
        using var model = ml.Transforms.Text.ApplyContextualEmbedding("Features", "Sentence").Fit(data);
        var results = new Dictionary<int, List<double>> { [1] = [], [4] = [] };
        for (int r = 0; r < rounds; r++)
            foreach (int lookahead in new[] { 1, 4 })
            {
                EncoderHandle.LookaheadBatches = lookahead;
                var output = model.Transform(data);
                var watch = Stopwatch.StartNew();
                using (var cursor = output.GetRowCursor([output.Schema["Features"]]))
                {
                    var get = cursor.GetGetter<VBuffer<float>>(output.Schema["Features"]);
                    VBuffer<float> v = default;
                    while (cursor.MoveNext())
                        get(ref v);
                }
                results[lookahead].Add(rows / watch.Elapsed.TotalSeconds);
                Console.WriteLine($"round {r} lookahead {lookahead} batch(es): {results[lookahead][^1]:F1} sentences/s");
            }
        double Median(List<double> x) => x.Order().ElementAt(x.Count / 2);
        Console.WriteLine($"median: 1 batch ahead {Median(results[1]):F1}/s, 4 batches ahead {Median(results[4]):F1}/s, ratio {Median(results[4]) / Median(results[1]):F2}");
        return 0;
    }

    private sealed class Text
    {
        public string Sentence { get; set; }
    }
}

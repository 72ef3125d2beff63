using System.Diagnostics;
using Microsoft.ML;
using MLNetContextual.Bench.Embedding;

namespace MLNetContextual.Bench;

/// <summary>
/// A/B runs of one ApplyContextualEmbedding setting over the first SST-2 sentences, interleaved round by round so that
/// both sides see the same load (<c>[rows] [rounds]</c>):
/// <list type="bullet">
/// <item><c>embed-grouping</c>: the cursor reading 1 encoder batch ahead (each batch padded to its longest row in input
/// order) against 4 ahead (rows grouped by length).</item>
/// <item><c>embed-spinning</c>: ONNX Runtime spin-waiting off (the default) against on.</item>
/// </list>
/// </summary>
internal static class EncoderSettingsBench
{
    public static int Grouping(string[] args) => Run(args, 2000, 3, new()
    {
        ["1 batch ahead"] = (new(), 1),
        ["4 batches ahead"] = (new(), 4),
    });

    public static int Spinning(string[] args) => Run(args, 1000, 5, new()
    {
        ["spinning off"] = (new() { AllowSpinning = false, IntraOpThreads = 2 }, new EncoderOptions().ReadAheadBatches),
        ["spinning on"] = (new() { AllowSpinning = true, IntraOpThreads = 2 }, new EncoderOptions().ReadAheadBatches),
    });

    // Each variant reads its own number of batches ahead (EncoderOptions.ReadAheadBatches).
    private static int Run(string[] args, int defaultRows, int defaultRounds,
        Dictionary<string, (ContextualEmbeddingOptions Options, int Lookahead)> variants)
    {
        int rows = args.Length > 0 ? int.Parse(args[0]) : defaultRows;
        int rounds = args.Length > 1 ? int.Parse(args[1]) : defaultRounds;
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(SentenceSources.Sst2Train().Take(rows).Select(t => new TextRow { Text = t }).ToArray());
        foreach (var v in variants.Values)
            v.Options.ReadAheadBatches = v.Lookahead;
        var fitted = variants.ToDictionary(v => v.Key, v => ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text", v.Value.Options).Fit(data));
        var rates = variants.Keys.ToDictionary(k => k, _ => new List<double>());
        for (int r = 0; r < rounds; r++)
            foreach (var name in variants.Keys)
            {
                var watch = Stopwatch.StartNew();
                EmbeddingHarness.ReadVectors(fitted[name].Transform(data), "Features", null);
                rates[name].Add(rows / watch.Elapsed.TotalSeconds);
                Console.WriteLine($"round {r} {name}: {rates[name][^1]:F1} sentences/s");
            }
        var medians = rates.ToDictionary(r => r.Key, r => EmbeddingHarness.Median(r.Value));
        var (first, second) = (variants.Keys.First(), variants.Keys.Last());
        Console.WriteLine($"median: {string.Join(", ", medians.Select(m => $"{m.Key} {m.Value:F1}/s"))}; {second} ÷ {first} {medians[second] / medians[first]:F2}");
        foreach (var model in fitted.Values)
            model.Dispose();
        return 0;
    }
}

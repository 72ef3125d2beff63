using System.Text;
using System.Text.Json;

namespace MLNetContextual.Bench.Cli;

/// <summary>
/// cli-data [folder]: writes the four datasets of the mlnetctx evidence runs as train.tsv / test.tsv pairs (Text, Label),
/// each test split disjoint from its training rows: UCI sentences (3,000: 80/20, seeded shuffle), movie-review-polarity-v2
/// (2,000 full reviews: 80/20), TREC-6 (coarse classes: train_5500 / TREC_10), SST-2 (the first 10,000 rows of the
/// training file / 2,000 rows from its last 10 %). bench/cli/sweeps.sh then runs mlnetctx on each.
/// </summary>
internal static class CliSweepData
{
    public static int Run(string[] args)
    {
        string folder = Path.GetFullPath(args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "mlnetctx-bench"));
        var uci = new[] { "amazon_cells_labelled.txt", "imdb_labelled.txt", "yelp_labelled.txt" }
            .SelectMany(f => File.ReadLines(Datasets.File("uci-sentiment-labelled-sentences", f)))
            .Where(l => l.Contains('\t')).Select(l => (Text: l[..l.LastIndexOf('\t')], Label: l[(l.LastIndexOf('\t') + 1)..].Trim())).ToList();
        Split(folder, "uci", uci);

        var reviews = File.ReadLines(Datasets.File("movie-review-polarity-v2", "reviews.jsonl")).Where(l => l.Length > 0).Select(l =>
        {
            using var doc = JsonDocument.Parse(l);
            return (Text: doc.RootElement.GetProperty("text").GetString(), Label: doc.RootElement.GetProperty("label").GetRawText());
        }).ToList();
        Split(folder, "movie-reviews", reviews);

        static List<(string, string)> Trec(string file) => File.ReadLines(Datasets.File("senteval-transfer", "TREC", file), Encoding.Latin1)
            .Where(l => l.Contains(' ')).Select(l => (l[(l.IndexOf(' ') + 1)..].Trim(), l[..l.IndexOf(':')])).ToList();
        Write(folder, "trec6", Trec("train_5500.label"), Trec("TREC_10.label"));

        var sst = File.ReadLines(Datasets.File("sst2", "train.tsv")).Skip(1).Where(l => l.Contains('\t'))
            .Select(l => (Text: l[..l.LastIndexOf('\t')].Trim(), Label: l[(l.LastIndexOf('\t') + 1)..].Trim())).ToList();
        var held = sst.Skip(sst.Count * 9 / 10).ToList();
        Write(folder, "sst2-10k", sst.Take(10_000).ToList(), Shuffle(held, 2).Take(2_000).ToList());
        Console.WriteLine($"wrote {folder}/{{uci,movie-reviews,trec6,sst2-10k}}/{{train,test}}.tsv");
        return 0;
    }

    private static void Split(string folder, string name, List<(string Text, string Label)> rows)
    {
        var shuffled = Shuffle(rows, 1);
        int test = shuffled.Count / 5;
        Write(folder, name, shuffled.Skip(test).ToList(), shuffled.Take(test).ToList());
    }

    private static List<T> Shuffle<T>(List<T> rows, int seed)
    {
        var copy = rows.ToList();
        var random = new Random(seed);
        for (int i = copy.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (copy[i], copy[j]) = (copy[j], copy[i]);
        }
        return copy;
    }

    private static void Write(string folder, string name, List<(string Text, string Label)> train, List<(string Text, string Label)> test)
    {
        string dir = Path.Combine(folder, name);
        Directory.CreateDirectory(dir);
        static string Clean(string s) => s.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ').Replace("\"", "'");
        File.WriteAllLines(Path.Combine(dir, "train.tsv"), train.Select(r => $"{Clean(r.Text)}\t{r.Label}").Prepend("Text\tLabel"));
        File.WriteAllLines(Path.Combine(dir, "test.tsv"), test.Select(r => $"{Clean(r.Text)}\t{r.Label}").Prepend("Text\tLabel"));
        Console.WriteLine($"{name}: {train.Count} training rows, {test.Count} test rows");
    }
}

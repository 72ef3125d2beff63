using System.Text;
using System.Text.Json;

namespace MLNetContextual.Bench;

/// <summary>
/// The fine-tuning sweep's text-classification sets, each split so that nothing of a held-back text is trained on:
/// <list type="bullet">
/// <item><c>sst2</c>: sst2/train.tsv grouped by sentence (<see cref="PhraseGroups"/>); <c>test</c> groups held back,
/// scored on their roots (full sentences, like SST-2 dev); training phrases drawn from the other groups.</item>
/// <item><c>uci</c>: the Amazon/IMDb/Yelp sentences; each is its own document: a seeded random split, duplicates of a
/// held-back text dropped from training.</item>
/// <item><c>trec</c>: TREC-6 coarse labels, train_5500 for training, TREC_10 (500) held back.</item>
/// <item><c>sst5</c>: SST-5 train sentences for training, the dev sentences (1,101) held back.</item>
/// <item><c>mr2</c>: movie-review-polarity v2, 2,000 reviews; split by review.</item>
/// </list>
/// </summary>
internal static class TextClassificationSets
{
    internal sealed record Example(string Text, string Label);

    internal sealed record Split(string Name, bool Binary, List<Example> Train, List<Example> Test, string HowSplit);

    public static Split Load(string name, int maxTrain, int test, int seed)
    {
        var split = name switch
        {
            "sst2" => Sst2(test, seed),
            "uci" => ByDocument("uci", true, Uci(), test, seed),
            "trec" => new Split("trec", false, Trec("train_5500.label"), Trec("TREC_10.label"), "TREC_10 held back"),
            "sst5" => new Split("sst5", false, Sst5("sentiment-train"), Sst5("sentiment-dev"), "SST-5 dev held back"),
            "mr2" => ByDocument("mr2", true, MovieReviews(), test, seed),
            _ => throw new ArgumentOutOfRangeException(nameof(name), $"Unknown dataset '{name}'; expected sst2, uci, trec, sst5 or mr2."),
        };
        var train = split.Train.ToArray();
        new Random(seed).Shuffle(train);
        return split with { Train = train.Take(maxTrain).ToList() };
    }

    private static Split Sst2(int testGroups, int seed)
    {
        var rows = File.ReadLines(Datasets.File("sst2", "train.tsv")).Skip(1).Select(l => l.Split('\t')).Where(p => p.Length == 2)
            .Select(p => new Example(p[0].Trim(), p[1].Trim())).ToList();
        var group = PhraseGroups.Assign(rows.Select(r => r.Text).ToList());
        var held = PhraseGroups.HoldBack(group, testGroups, seed);
        var train = rows.Where((_, i) => !held[i]).ToList();
        var test = rows.Where((_, i) => held[i] && group[i] == i).ToList();   // the roots of the held-back groups
        int groups = group.Distinct().Count();
        return new Split("sst2", true, train, test,
            $"{groups} sentence groups; {testGroups} held back, scored on their {test.Count} roots; {held.Count(h => h)} phrases of them kept out of training");
    }

    private static Split ByDocument(string name, bool binary, List<Example> all, int test, int seed)
    {
        var docs = all.ToArray();
        new Random(seed).Shuffle(docs);
        var held = docs.Take(test).ToList();
        var heldText = held.Select(e => e.Text).ToHashSet(StringComparer.Ordinal);
        return new Split(name, binary, docs.Skip(test).Where(e => !heldText.Contains(e.Text)).ToList(), held,
            $"by document: {held.Count} of {docs.Length} held back");
    }

    private static List<Example> Uci() =>
        new[] { "amazon_cells_labelled.txt", "imdb_labelled.txt", "yelp_labelled.txt" }
            .SelectMany(f => File.ReadLines(Datasets.File("uci-sentiment-labelled-sentences", f)))
            .Select(l => l.Split('\t')).Where(p => p.Length == 2)
            .Select(p => new Example(p[0].Trim(), p[1].Trim())).ToList();

    private static List<Example> Trec(string file) =>
        File.ReadLines(Datasets.File("senteval-transfer", "TREC", file), Encoding.Latin1).Where(l => l.Contains(':'))
            .Select(l => new Example(l[(l.IndexOf(' ') + 1)..].Trim(), l[..l.IndexOf(':')])).ToList();

    private static List<Example> Sst5(string file) =>
        File.ReadLines(Datasets.File("senteval-transfer", "SST5", file), Encoding.Latin1).Where(l => l.Length > 2)
            .Select(l => new Example(l[2..].Trim(), l[..1])).ToList();

    private static List<Example> MovieReviews() =>
        File.ReadLines(Datasets.File("movie-review-polarity-v2", "reviews.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => new Example(e.GetProperty("text").GetString()!.Replace('\n', ' '), e.GetProperty("label").GetInt32().ToString())).ToList();
}

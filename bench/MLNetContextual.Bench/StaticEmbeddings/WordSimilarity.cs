namespace MLNetContextual.Bench.StaticEmbeddings;

/// <summary>Spearman ρ between cosine similarity and human scores on a word-pair file (word1 TAB word2 TAB score).</summary>
internal static class WordSimilarity
{
    public sealed record Score(string Dataset, double Spearman, int Pairs, int Skipped);

    public static readonly (string Name, string File)[] Sets =
    [
        ("WS-353", "EN-WS-353-ALL.txt"),
        ("SimLex-999", "EN-SIMLEX-999.txt"),
        ("MEN", "EN-MEN-TR-3k.txt"),
    ];

    public static IEnumerable<(string W1, string W2, double Gold)> Pairs(string file)
    {
        foreach (var line in File.ReadLines(Datasets.File("word-similarity", file)))
        {
            var f = line.TrimEnd('\r').Split('\t');
            if (f.Length >= 3)
                yield return (f[0].ToLowerInvariant(), f[1].ToLowerInvariant(), double.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Evaluates <paramref name="embeddings"/>; pairs with an out-of-vocabulary word are skipped and counted.</summary>
    public static Score Evaluate(MLNetContextual.StaticEmbeddings embeddings, string name, string file)
    {
        var gold = new List<double>();
        var predicted = new List<double>();
        int skipped = 0;
        foreach (var (w1, w2, g) in Pairs(file))
        {
            if (!embeddings.Contains(w1) || !embeddings.Contains(w2)) { skipped++; continue; }
            gold.Add(g);
            predicted.Add(embeddings.Similarity(w1, w2));
        }
        return new Score(name, Correlation.Spearman(gold, predicted), gold.Count, skipped);
    }
}

namespace MLNetContextual.Bench.Embedding;

/// <summary>One text per row, as the pipelines read it.</summary>
internal sealed class TextRow
{
    public string Text { get; set; }
}

/// <summary>One STS Benchmark pair with its gold similarity (0–5).</summary>
internal readonly record struct StsPair(string First, string Second, double Gold);

/// <summary>The shared datasets the embedding benchmarks read.</summary>
internal static class SentenceSources
{
    /// <summary>SST-2 train sentences in file order (TSV with header <c>sentence\tlabel</c>; see its SOURCE.md).</summary>
    public static IEnumerable<string> Sst2Train()
    {
        using var reader = new StreamReader(Datasets.File("sst2", "train.tsv"));
        string header = reader.ReadLine();
        if (header == null || !header.StartsWith("sentence\t", StringComparison.Ordinal))
            throw new InvalidDataException($"sst2/train.tsv: expected header 'sentence<TAB>label', found '{header}'.");
        for (string line; (line = reader.ReadLine()) != null;)
        {
            int tab = line.LastIndexOf('\t');
            yield return (tab < 0 ? line : line[..tab]).TrimEnd();
        }
    }

    /// <summary>
    /// <paramref name="count"/> rows cycling through <paramref name="sentences"/>, generated lazily: nothing but the
    /// current row is held, so a pipeline reading it streams.
    /// </summary>
    public static IEnumerable<TextRow> Cycle(IReadOnlyList<string> sentences, long count)
    {
        for (long i = 0; i < count; i++)
            yield return new TextRow { Text = sentences[(int)(i % sentences.Count)] };
    }

    /// <summary>STS Benchmark dev pairs: TAB-separated, no header, score in column 5, sentences in 6 and 7 (see its SOURCE.md).</summary>
    public static List<StsPair> StsDev()
    {
        var pairs = new List<StsPair>();
        foreach (var line in File.ReadLines(Datasets.File("stsb", "sts-dev.csv")))
        {
            if (line.Length == 0)
                continue;
            var f = line.Split('\t');
            if (f.Length < 7)
                throw new InvalidDataException($"stsb/sts-dev.csv: expected at least 7 TAB-separated fields, found {f.Length}: '{line}'.");
            pairs.Add(new StsPair(f[5], f[6], double.Parse(f[4], System.Globalization.CultureInfo.InvariantCulture)));
        }
        return pairs;
    }
}

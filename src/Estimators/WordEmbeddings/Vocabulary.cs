using Microsoft.ML;

namespace MLNetContextual;

/// <summary>The words kept for training, most frequent first, with their counts (word2vec.c LearnVocab + SortVocab, glove vocab_count).</summary>
internal sealed class Vocabulary
{
    private readonly Dictionary<string, int> index;

    private Vocabulary(string[] words, long[] counts)
    {
        Words = words;
        Counts = counts;
        index = new Dictionary<string, int>(words.Length, StringComparer.Ordinal);
        for (int i = 0; i < words.Length; i++) index.Add(words[i], i);
        foreach (long c in counts) TotalCount += c;
        Lookup = index.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public string[] Words { get; }

    public long[] Counts { get; }

    /// <summary>Occurrences of vocabulary words in the corpus (word2vec.c train_words).</summary>
    public long TotalCount { get; }

    /// <summary>Tokens read in the counting pass, out-of-vocabulary ones included.</summary>
    public long TokensRead { get; private set; }

    /// <summary>Rows read in the counting pass.</summary>
    public long RowsRead { get; private set; }

    public int Size => Words.Length;

    /// <summary>Word index without allocating a string.</summary>
    public Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> Lookup { get; }

    /// <summary>
    /// Counts the tokens of <paramref name="column"/> in one pass, keeps words seen at least <paramref name="minCount"/>
    /// times (at most <paramref name="maxSize"/>, 0: all), sorted by count, ties in order of first appearance.
    /// </summary>
    /// <exception cref="InvalidOperationException">No word is left.</exception>
    public static Vocabulary Count(IDataView data, string column, int minCount, int maxSize = 0)
    {
        var col = StaticWordEmbeddingTransformer.RequireTokens(data.Schema, column);
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var lookup = ids.GetAlternateLookup<ReadOnlySpan<char>>();
        var counts = new List<long>();
        long tokens = 0, rows = 0;
        TokenColumn.ForEachRow(data, col, row =>
        {
            rows++;
            foreach (var token in row)
            {
                var span = token.Span;
                if (span.IsEmpty) continue;
                tokens++;
                if (lookup.TryGetValue(span, out int id)) counts[id]++;
                else
                {
                    lookup[span] = counts.Count;
                    counts.Add(1);
                }
            }
        });

        var kept = new List<int>();
        var firstSeen = new string[counts.Count];
        foreach (var (word, id) in ids) firstSeen[id] = word;
        for (int id = 0; id < counts.Count; id++)
            if (counts[id] >= minCount) kept.Add(id);
        kept.Sort((a, b) => counts[b] != counts[a] ? counts[b].CompareTo(counts[a]) : a.CompareTo(b));
        if (maxSize > 0 && kept.Count > maxSize) kept.RemoveRange(maxSize, kept.Count - maxSize);
        if (kept.Count == 0)
            throw new InvalidOperationException(
                $"The vocabulary is empty: no token of column '{column}' occurs at least MinCount = {minCount} times " +
                $"({counts.Count} distinct tokens in {tokens} tokens, {rows} rows). Lower MinCount or train on more text.");

        var words = new string[kept.Count];
        var wordCounts = new long[kept.Count];
        for (int i = 0; i < kept.Count; i++)
        {
            words[i] = firstSeen[kept[i]];
            wordCounts[i] = counts[kept[i]];
        }
        return new Vocabulary(words, wordCounts) { TokensRead = tokens, RowsRead = rows };
    }
}

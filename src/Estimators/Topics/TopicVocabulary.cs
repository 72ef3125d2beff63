namespace MLNetContextual;

/// <summary>
/// The words a topic model reconstructs, sorted ordinally (as scikit-learn's <c>CountVectorizer</c> orders its
/// features), and the bag of words of a document over them.
/// </summary>
internal sealed class TopicVocabulary
{
    private readonly Dictionary<string, int> _index;

    public TopicVocabulary(IReadOnlyList<string> words)
    {
        Words = words;
        _index = new Dictionary<string, int>(words.Count, StringComparer.Ordinal);
        for (int i = 0; i < words.Count; i++)
            _index.Add(words[i], i);
    }

    /// <summary>The words, indexed by column of the bag of words.</summary>
    public IReadOnlyList<string> Words { get; }

    public int Count => Words.Count;

    public bool TryGetIndex(string word, out int index) => _index.TryGetValue(word, out index);

    /// <summary>The sparse counts of <paramref name="words"/> (out-of-vocabulary words skipped), ids ascending.</summary>
    public BagOfWords Bag(List<string> words)
    {
        var counts = new SortedDictionary<int, float>();
        foreach (string w in words)
            if (_index.TryGetValue(w, out int id))
                counts[id] = counts.GetValueOrDefault(id) + 1;
        return new BagOfWords([.. counts.Keys], [.. counts.Values]);
    }

    /// <summary>
    /// Keeps the words in at least <paramref name="minDocuments"/> and at most <paramref name="maxFraction"/> of
    /// <paramref name="documents"/> documents, then the <paramref name="maxWords"/> most frequent by total count (ties
    /// broken ordinally), as <c>CountVectorizer(max_features, max_df, min_df)</c> does.
    /// </summary>
    public static TopicVocabulary Select(IReadOnlyDictionary<string, (long Count, int Documents)> counts, int documents,
        int minDocuments, double maxFraction, int maxWords)
    {
        double maxDocuments = maxFraction >= 1 ? double.PositiveInfinity : maxFraction * documents;
        var kept = counts
            .Where(kv => kv.Value.Documents >= minDocuments && kv.Value.Documents <= maxDocuments)
            .OrderByDescending(kv => kv.Value.Count).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(maxWords)
            .Select(kv => kv.Key)
            .Order(StringComparer.Ordinal)
            .ToList();
        return new TopicVocabulary(kept);
    }
}

/// <summary>A document's word counts over a <see cref="TopicVocabulary"/>: ascending ids and their counts.</summary>
internal readonly record struct BagOfWords(int[] Ids, float[] Counts)
{
    public bool IsEmpty => Ids.Length == 0;
}

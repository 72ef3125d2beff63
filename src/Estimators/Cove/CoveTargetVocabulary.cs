namespace MLNetContextual;

/// <summary>The German side's word vocabulary: &lt;pad&gt;, &lt;unk&gt;, &lt;s&gt;, &lt;/s&gt;, then the most frequent words
/// (ties by first occurrence), each at least a minimum count.</summary>
internal sealed class CoveTargetVocabulary
{
    public const int Pad = 0, Unk = 1, Bos = 2, Eos = 3;
    private readonly Dictionary<string, int> _ids;

    private CoveTargetVocabulary(Dictionary<string, int> ids) => _ids = ids;

    public int Count => _ids.Count;

    public static CoveTargetVocabulary Build(IEnumerable<IReadOnlyList<string>> sentences, int size, int minCount)
    {
        var counts = new Dictionary<string, (int Count, int First)>(StringComparer.Ordinal);
        int order = 0;
        foreach (var s in sentences)
            foreach (var w in s)
                counts[w] = counts.TryGetValue(w, out var c) ? (c.Count + 1, c.First) : (1, order++);
        var ids = new Dictionary<string, int>(StringComparer.Ordinal) { ["<pad>"] = Pad, ["<unk>"] = Unk, ["<s>"] = Bos, ["</s>"] = Eos };
        foreach (var (w, _) in counts.Where(c => c.Value.Count >= minCount).OrderByDescending(c => c.Value.Count).ThenBy(c => c.Value.First)
                     .Take(Math.Max(0, size - 4)))
            ids.TryAdd(w, ids.Count);
        return new CoveTargetVocabulary(ids);
    }

    public int Id(string word) => _ids.TryGetValue(word, out int i) ? i : Unk;
}

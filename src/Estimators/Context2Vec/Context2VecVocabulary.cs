using System.Text;

namespace MLNetContextual;

/// <summary>
/// The words of a context2vec model, as the reference's <c>SentenceReaderDir</c> builds them: id 0 &lt;UNK&gt;, 1
/// &lt;BOS&gt;, 2 &lt;EOS&gt;, then the words seen at least MinCount times, most frequent first (ties in ordinal order),
/// at most MaxSize of them. Counts (for the negative sampler) are those of the training text: &lt;BOS&gt; and
/// &lt;EOS&gt; 0, &lt;UNK&gt; the occurrences of every word left out.
/// </summary>
internal sealed class Context2VecVocabulary
{
    public const int UnknownId = 0, BosId = 1, EosId = 2, SpecialCount = 3;
    public const string Unknown = "<UNK>", Bos = "<BOS>", Eos = "<EOS>";

    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);

    private Context2VecVocabulary(IReadOnlyList<string> words, long[] counts)
    {
        Words = words;
        Counts = counts;
        for (int i = 0; i < words.Count; i++)
            if (!_ids.TryAdd(words[i], i))
                throw new InvalidDataException($"The context2vec vocabulary lists '{words[i]}' twice (ids {_ids[words[i]]} and {i}).");
        if (words.Count < SpecialCount || words[UnknownId] != Unknown || words[BosId] != Bos || words[EosId] != Eos)
            throw new InvalidDataException("The context2vec vocabulary must begin with <UNK>, <BOS>, <EOS>.");
    }

    /// <summary>Every entry, the three specials first.</summary>
    public IReadOnlyList<string> Words { get; }

    /// <summary>Training counts per id (null for a vocabulary read from a zip).</summary>
    public long[] Counts { get; }

    public int Count => Words.Count;

    /// <summary>The id of an already lower-cased (if the model lower-cases) word; &lt;UNK&gt; when it has none.</summary>
    public int Id(string word) => _ids.TryGetValue(word, out int id) && id >= SpecialCount ? id : UnknownId;

    /// <summary>Counts the words of <paramref name="sentences"/> and keeps the frequent ones.</summary>
    /// <returns>The vocabulary and the number of distinct words seen.</returns>
    public static (Context2VecVocabulary Vocabulary, int Distinct) Build(IEnumerable<IReadOnlyList<string>> sentences, int minCount, int maxSize)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var s in sentences)
            foreach (var w in s)
                counts[w] = counts.GetValueOrDefault(w) + 1;
        // The reference also keeps <unk> (and <rw>) out of the words, counting them as unknown.
        var kept = counts.Where(kv => kv.Value >= minCount && kv.Key is not (Unknown or Bos or Eos) && !kv.Key.Equals("<unk>", StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(maxSize).ToList();
        long unknown = counts.Values.Sum() - kept.Sum(kv => kv.Value);
        var words = new List<string> { Unknown, Bos, Eos };
        words.AddRange(kept.Select(kv => kv.Key));
        var c = new long[words.Count];
        c[UnknownId] = unknown;
        for (int i = 0; i < kept.Count; i++)
            c[SpecialCount + i] = kept[i].Value;
        return (new Context2VecVocabulary(words, c), counts.Count);
    }

    /// <summary>One word per line (UTF-8), ids in order.</summary>
    public byte[] ToBytes() => Encoding.UTF8.GetBytes(string.Join('\n', Words));

    public static Context2VecVocabulary FromBytes(byte[] bytes, int expected, string where)
    {
        var words = Encoding.UTF8.GetString(bytes).Split('\n');
        if (words.Length != expected)
            throw new InvalidDataException($"{where}: vocab.txt holds {words.Length} entries; its config says {expected}.");
        return new Context2VecVocabulary(words, null);
    }
}

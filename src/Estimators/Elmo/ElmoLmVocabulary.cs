namespace MLNetContextual;

/// <summary>The softmax vocabulary of ELMo pre-training: words sorted by frequency (the log-uniform sampler assumes it),
/// with &lt;S&gt;, &lt;/S&gt; and &lt;UNK&gt; among them; and every distinct token string seen (the inputs are characters,
/// so each string keeps its own input even when it shares the &lt;UNK&gt; target).</summary>
internal sealed class ElmoLmVocabulary
{
    public const string Unknown = "<UNK>";
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int> _types = new(StringComparer.Ordinal);
    private readonly List<string> _typeStrings = [];
    private readonly List<int> _typeTargets = [];

    public ElmoLmVocabulary(IEnumerable<IReadOnlyList<string>> sentences, int maxSize, int minCount)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        long sentenceCount = 0;
        foreach (var s in sentences)
        {
            sentenceCount++;
            foreach (var w in s)
                counts[w] = counts.GetValueOrDefault(w) + 1;
        }
        var words = counts.Where(kv => kv.Value >= minCount && kv.Key is not (ElmoCharacters.BosToken or ElmoCharacters.EosToken or Unknown))
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(maxSize - 3).ToList();
        long unknown = counts.Values.Sum() - words.Sum(kv => kv.Value);
        var all = words.Select(kv => (kv.Key, kv.Value)).Concat([(ElmoCharacters.BosToken, sentenceCount), (ElmoCharacters.EosToken, sentenceCount), (Unknown, unknown)])
            .OrderByDescending(p => p.Item2).ThenBy(p => p.Item1, StringComparer.Ordinal).Select(p => p.Item1).ToArray();
        Words = all;
        _ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < all.Length; i++)
            _ids[all[i]] = i;
        UnknownId = _ids[Unknown];
    }

    /// <summary>Softmax words, most frequent first.</summary>
    public IReadOnlyList<string> Words { get; }
    public int Count => Words.Count;
    public int UnknownId { get; }

    /// <summary>The target id of a token (&lt;UNK&gt; for words outside the softmax).</summary>
    public int Target(string token) => _ids.TryGetValue(token, out int id) ? id : UnknownId;

    /// <summary>The id of a token's string among all strings seen (its character input).</summary>
    public int Type(string token)
    {
        if (!_types.TryGetValue(token, out int id))
        {
            _types[token] = id = _typeStrings.Count;
            _typeStrings.Add(token);
            _typeTargets.Add(Target(token));
        }
        return id;
    }

    public string TypeString(int type) => _typeStrings[type];
    public int TypeTarget(int type) => _typeTargets[type];
}

using System.Text;
using System.Text.RegularExpressions;

namespace MLNetContextual;

/// <summary>
/// The words, characters and tags of a Cross-View Training tagger. Words are looked up normalised as the reference's
/// <c>normalize_word</c> does (lower-cased, every digit replaced by 0); ids 0 &lt;pad&gt;, 1 &lt;unk&gt;, 2 &lt;start&gt;,
/// 3 &lt;end&gt;, then the words (most frequent first, ties in ordinal order). Characters keep their case: ids 0 padding,
/// 1 unknown, 2 and 3 the characters of &lt;start&gt; and &lt;end&gt;, then every character seen in training. Tags are
/// the labels of the labelled data in ordinal order.
/// </summary>
internal sealed partial class CrossViewVocabulary
{
    public const int PadId = 0, UnknownId = 1, StartId = 2, EndId = 3, SpecialCount = 4;
    public const string Pad = "<pad>", Unknown = "<unk>", Start = "<start>", End = "<end>";
    public const int CharPad = 0, CharUnknown = 1, CharStart = 2, CharEnd = 3;

    private readonly Dictionary<string, int> _words = new(StringComparer.Ordinal);
    private readonly Dictionary<int, int> _chars = [];

    public CrossViewVocabulary(IReadOnlyList<string> words, IReadOnlyList<int> chars, IReadOnlyList<string> tags)
    {
        if (words.Count < SpecialCount || words[PadId] != Pad || words[UnknownId] != Unknown || words[StartId] != Start || words[EndId] != End)
            throw new InvalidDataException("The Cross-View Training vocabulary must begin with <pad>, <unk>, <start>, <end>.");
        for (int i = 0; i < words.Count; i++)
            if (!_words.TryAdd(words[i], i))
                throw new InvalidDataException($"The Cross-View Training vocabulary lists '{words[i]}' twice (ids {_words[words[i]]} and {i}).");
        for (int i = 0; i < chars.Count; i++)
            if (chars[i] < 0 || chars[i] > 0x10FFFF || !_chars.TryAdd(chars[i], SpecialCount + i))
                throw new InvalidDataException($"The Cross-View Training character list holds U+{chars[i]:X4} twice or out of range.");
        if (tags.Count < 1 || tags.Distinct(StringComparer.Ordinal).Count() != tags.Count || tags.Any(string.IsNullOrEmpty))
            throw new InvalidDataException($"The Cross-View Training tags must be distinct and non-empty (found {tags.Count}: {string.Join(" ", tags.Take(20))}).");
        Words = words;
        Characters = chars;
        Tags = tags;
    }

    /// <summary>Every word entry, the four specials first.</summary>
    public IReadOnlyList<string> Words { get; }
    /// <summary>The characters (code points) after the four special ids, in id order.</summary>
    public IReadOnlyList<int> Characters { get; }
    /// <summary>The tags, id order.</summary>
    public IReadOnlyList<string> Tags { get; }

    public int WordCount => Words.Count;
    public int CharCount => Characters.Count + SpecialCount;
    public int TagCount => Tags.Count;

    [GeneratedRegex(@"\d")]
    private static partial Regex Digit();

    /// <summary>The reference's <c>normalize_word</c>: PTB bracket tokens as brackets, lower case, digits as 0.</summary>
    public static string Normalize(string word)
    {
        word = word switch { "-LRB-" => "(", "-RRB-" => ")", "-LCB-" => "{", "-RCB-" => "}", "-LSB-" => "[", "-RSB-" => "]", _ => word };
        return Digit().Replace(word.ToLowerInvariant(), "0");
    }

    /// <summary>The id of a token (as written; normalised here); &lt;unk&gt; when the vocabulary lacks it.</summary>
    public int WordId(string token) => _words.TryGetValue(Normalize(token), out int id) && id >= SpecialCount ? id : UnknownId;

    /// <summary>The character ids of a token, cut or padded to <paramref name="length"/>, into <paramref name="ids"/>.</summary>
    public void CharIds(string token, int length, Span<int> ids)
    {
        ids[..length].Clear();
        int k = 0;
        foreach (var rune in token.EnumerateRunes())
        {
            if (k == length)
                break;
            ids[k++] = _chars.TryGetValue(rune.Value, out int id) ? id : CharUnknown;
        }
    }

    /// <summary>The character ids of a special token (&lt;start&gt; or &lt;end&gt;): one marker character, then padding.</summary>
    public static void SpecialCharIds(bool start, int length, Span<int> ids)
    {
        ids[..length].Clear();
        ids[0] = start ? CharStart : CharEnd;
    }

    /// <summary>
    /// Counts the tokens of <paramref name="sentences"/> and keeps the words seen at least <paramref name="minCount"/>
    /// times, and every word <paramref name="keep"/> accepts (words of the pretrained vectors), at most
    /// <paramref name="maxWords"/>; every character seen; the tags given.
    /// </summary>
    public static CrossViewVocabulary Build(IEnumerable<IReadOnlyList<string>> sentences, int minCount, int maxWords, int maxCharacters,
        Func<string, bool> keep, IEnumerable<string> tags)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var charCounts = new Dictionary<int, long>();
        foreach (var s in sentences)
            foreach (var token in s)
            {
                var w = Normalize(token);
                counts[w] = counts.GetValueOrDefault(w) + 1;
                foreach (var rune in token.EnumerateRunes())
                    charCounts[rune.Value] = charCounts.GetValueOrDefault(rune.Value) + 1;
            }
        var words = new List<string> { Pad, Unknown, Start, End };
        words.AddRange(counts.Where(kv => (kv.Value >= minCount || (keep?.Invoke(kv.Key) ?? false)) && kv.Key is not (Pad or Unknown or Start or End))
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(maxWords).Select(kv => kv.Key));
        var chars = charCounts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(maxCharacters).Select(kv => kv.Key).ToList();
        return new CrossViewVocabulary(words, chars, tags.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>The tag's id, or −1 for a tag the model was not trained on.</summary>
    public int TagId(string tag)
    {
        for (int i = 0; i < Tags.Count; i++)
            if (string.Equals(Tags[i], tag, StringComparison.Ordinal))
                return i;
        return -1;
    }

    public byte[] WordBytes() => Encoding.UTF8.GetBytes(string.Join('\n', Words));
    public byte[] TagBytes() => Encoding.UTF8.GetBytes(string.Join('\n', Tags));

    public static CrossViewVocabulary FromBytes(byte[] words, int[] chars, byte[] tags, int wordCount, int tagCount, string where)
    {
        var w = Encoding.UTF8.GetString(words).Split('\n');
        if (w.Length != wordCount)
            throw new InvalidDataException($"{where}: vocab.txt holds {w.Length} entries; its config says {wordCount}.");
        var t = Encoding.UTF8.GetString(tags).Split('\n');
        if (t.Length != tagCount)
            throw new InvalidDataException($"{where}: tags.txt holds {t.Length} tags; its config says {tagCount}.");
        try
        {
            return new CrossViewVocabulary(w, chars ?? [], t);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{where}: {e.Message}", e);
        }
    }
}

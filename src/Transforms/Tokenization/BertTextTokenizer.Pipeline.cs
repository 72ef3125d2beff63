using System.Text;

namespace MLNetContextual;

// The algorithm behind BertTextTokenizer: one pass over the original text that cleans, splits words and normalizes
// them into a per-thread buffer where every char remembers the source span it came from, then WordPiece per word.
public sealed partial class BertTextTokenizer
{
    /// <summary>Per-thread buffers, so that tokenizing allocates nothing but its results.</summary>
    private sealed class Scratch
    {
        public char[] Chars = new char[128];     // the current word, normalized
        public int[] SrcStart = new int[128];    // for each char: span in the original text of the code point it came from
        public int[] SrcEnd = new int[128];
        public int Count;
        public bool MayNeedNfc;                  // cased mode: the word holds a char that could compose
        public readonly List<WordPiece> First = new();
        public readonly List<WordPiece> Second = new();

        public void Append(char c, int start, int end)
        {
            if (Count == Chars.Length)
            {
                Array.Resize(ref Chars, Count * 2);
                Array.Resize(ref SrcStart, Count * 2);
                Array.Resize(ref SrcEnd, Count * 2);
            }
            Chars[Count] = c;
            SrcStart[Count] = start;
            SrcEnd[Count] = end;
            Count++;
        }
    }

    private static Scratch GetScratch()
    {
        var scratch = t_scratch;
        // A pathological input (a megabyte without a space) should not pin its buffers to the thread for ever.
        if (scratch == null || scratch.Chars.Length > 1 << 16 || scratch.First.Capacity > 1 << 16 || scratch.Second.Capacity > 1 << 16)
            t_scratch = scratch = new Scratch();
        return scratch;
    }

    private void TokenizeInto(string text, List<WordPiece> output, Scratch s)
    {
        s.Count = 0;
        s.MayNeedNfc = false;
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '[' && TryMatchSpecial(text, i, out var special))
            {
                FlushWord(output, s);
                output.Add(new WordPiece(special.Id, special.Token, i, special.Token.Length));
                i += special.Token.Length;
                continue;
            }

            int cp = c, width = 1;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                cp = char.ConvertToUtf32(c, text[i + 1]);
                width = 2;
            }
            switch (BertCharacters.Classify(cp))
            {
                case BertCharacters.Kind.Drop:
                    break;   // dropped without ending the word: "zero\u200Bwidth" is one word, as in HF
                case BertCharacters.Kind.Space:
                    FlushWord(output, s);
                    break;
                case BertCharacters.Kind.Cjk:
                    FlushWord(output, s);
                    AppendCodePoint(text, i, cp, width, s);
                    FlushWord(output, s);
                    break;
                default:
                    AppendCodePoint(text, i, cp, width, s);
                    break;
            }
            i += width;
        }
        FlushWord(output, s);
    }

    private bool TryMatchSpecial(string text, int i, out (string Token, int Id) special)
    {
        foreach (var candidate in _specials)
        {
            if (string.CompareOrdinal(text, i, candidate.Token, 0, candidate.Token.Length) == 0)
            {
                special = candidate;
                return true;
            }
        }
        special = default;
        return false;
    }

    private void AppendCodePoint(string text, int i, int cp, int width, Scratch s)
    {
        int end = i + width;
        if (!LowerCase)
        {
            // Below U+0300 nothing composes under NFC, so most cased text skips the NFC check at flush time.
            if (cp >= 0x300) s.MayNeedNfc = true;
            s.Append(text[i], i, end);
            if (width == 2) s.Append(text[i + 1], i, end);
            return;
        }
        if (cp < 0x80)
        {
            s.Append(cp is >= 'A' and <= 'Z' ? (char)(cp + 32) : (char)cp, i, end);
            return;
        }
        foreach (char folded in BertCharacters.Fold(cp))
            s.Append(folded, i, end);
    }

    private void FlushWord(List<WordPiece> output, Scratch s)
    {
        if (s.Count == 0)
            return;
        if (s.MayNeedNfc)
            ComposeWord(s);

        // Punctuation chars become words of their own; the text between them is WordPiece'd as a word.
        var chars = s.Chars;
        int wordStart = 0;
        for (int j = 0; j < s.Count;)
        {
            int cp = chars[j], width = 1;
            if (char.IsHighSurrogate(chars[j]) && j + 1 < s.Count && char.IsLowSurrogate(chars[j + 1]))
            {
                cp = char.ConvertToUtf32(chars[j], chars[j + 1]);
                width = 2;
            }
            if (BertCharacters.IsPunctuation(cp))
            {
                if (j > wordStart) AddWordPieces(wordStart, j, output, s);
                AddWordPieces(j, j + width, output, s);
                wordStart = j + width;
            }
            j += width;
        }
        if (s.Count > wordStart) AddWordPieces(wordStart, s.Count, output, s);
        s.Count = 0;
        s.MayNeedNfc = false;
    }

    /// <summary>Greedy longest-match-first WordPiece over s.Chars[from..to).</summary>
    private void AddWordPieces(int from, int to, List<WordPiece> output, Scratch s)
    {
        var chars = s.Chars;
        int codePoints = to - from;
        for (int j = from + 1; j < to; j++)
            if (char.IsLowSurrogate(chars[j]) && char.IsHighSurrogate(chars[j - 1])) codePoints--;
        if (codePoints > MaxInputCharsPerWord)
        {
            AddUnknown(from, to, output, s);
            return;
        }

        int mark = output.Count;
        for (int start = from; start < to;)
        {
            int end = Math.Min(to, start + _maxPieceChars);
            if (SplitsPair(chars, start, end, to)) end--;
            int id = -1;
            while (end > start)
            {
                var piece = new ReadOnlySpan<char>(chars, start, end - start);
                bool found = start == from ? _wordStart.TryGetValue(piece, out id) : _continuation.TryGetValue(piece, out id);
                if (found) break;
                id = -1;
                end--;
                if (SplitsPair(chars, start, end, to)) end--;
            }
            if (id < 0)
            {
                // HF: a word without a full segmentation is one [UNK], whatever pieces matched before.
                output.RemoveRange(mark, output.Count - mark);
                AddUnknown(from, to, output, s);
                return;
            }
            output.Add(new WordPiece(id, _idToToken[id], s.SrcStart[start], s.SrcEnd[end - 1] - s.SrcStart[start]));
            start = end;
        }
    }

    // Python slices strings by code point, so a piece never ends between the halves of a surrogate pair.
    private static bool SplitsPair(char[] chars, int start, int end, int to) =>
        end > start && end < to && char.IsLowSurrogate(chars[end]) && char.IsHighSurrogate(chars[end - 1]);

    private void AddUnknown(int from, int to, List<WordPiece> output, Scratch s) =>
        output.Add(new WordPiece(UnkId, _idToToken[UnkId], s.SrcStart[from], s.SrcEnd[to - 1] - s.SrcStart[from]));

    /// <summary>Cased mode: HF applies NFC before splitting words (BasicTokenizer.tokenize). Rare, so it may allocate.</summary>
    private static void ComposeWord(Scratch s)
    {
        var word = new ReadOnlySpan<char>(s.Chars, 0, s.Count);
        string composed;
        try
        {
            if (word.IsNormalized(NormalizationForm.FormC))
                return;
            composed = word.ToString().Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            return;   // code points unknown to ICU: leave the word as it is
        }

        // Align by position in the canonical decomposition, which the word and its composition share: each composed
        // code point covers the source spans of the original code points whose decompositions it spans.
        var origDecomposedEnds = new List<(int DecomposedEnd, int SrcStart, int SrcEnd)>();
        int total = 0;
        for (int j = 0; j < s.Count;)
        {
            int width = char.IsHighSurrogate(s.Chars[j]) && j + 1 < s.Count && char.IsLowSurrogate(s.Chars[j + 1]) ? 2 : 1;
            total += DecomposedLength(new string(s.Chars, j, width));
            origDecomposedEnds.Add((total, s.SrcStart[j], s.SrcEnd[j]));
            j += width;
        }

        s.Count = 0;
        int position = 0, k = 0;
        for (int j = 0; j < composed.Length;)
        {
            int width = char.IsHighSurrogate(composed[j]) && j + 1 < composed.Length && char.IsLowSurrogate(composed[j + 1]) ? 2 : 1;
            int next = position + DecomposedLength(composed.Substring(j, width));
            while (k < origDecomposedEnds.Count - 1 && origDecomposedEnds[k].DecomposedEnd <= position) k++;
            int first = k;
            while (k < origDecomposedEnds.Count - 1 && origDecomposedEnds[k].DecomposedEnd < next) k++;
            int srcStart = origDecomposedEnds[first].SrcStart, srcEnd = origDecomposedEnds[k].SrcEnd;
            for (int w = 0; w < width; w++)
                s.Append(composed[j + w], srcStart, srcEnd);
            position = next;
            j += width;
        }
    }

    private static int DecomposedLength(string codePoint)
    {
        try
        {
            return codePoint.Normalize(NormalizationForm.FormD).Length;
        }
        catch (ArgumentException)
        {
            return codePoint.Length;
        }
    }
}

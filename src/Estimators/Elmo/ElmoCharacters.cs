using System.Text;

namespace MLNetContextual;

/// <summary>
/// bilm-tf's character ids: the token's UTF-8 bytes (0–255), begin/end of sentence 256/257, begin/end of word 258/259,
/// padding 260, each plus 1 so that 0 marks a padding token. A token keeps at most <c>maxChars − 2</c> bytes (bilm-tf
/// truncates the byte string, even inside a multi-byte character).
/// </summary>
public static class ElmoCharacters
{
    /// <summary>Ids the model's character embedding has, 0 (a padding token) included.</summary>
    public const int CharacterCount = 262;
    /// <summary>Begin of sentence (before +1).</summary>
    public const int BeginSentence = 256;
    /// <summary>End of sentence (before +1).</summary>
    public const int EndSentence = 257;
    /// <summary>Begin of word (before +1).</summary>
    public const int BeginWord = 258;
    /// <summary>End of word (before +1).</summary>
    public const int EndWord = 259;
    /// <summary>Padding inside a token (before +1).</summary>
    public const int Padding = 260;

    /// <summary>The sentence-start token's string.</summary>
    public const string BosToken = "<S>";
    /// <summary>The sentence-end token's string.</summary>
    public const string EosToken = "</S>";

    // Python's encode('utf-8', 'ignore'): unpaired surrogates are dropped, not replaced.
    private static readonly Encoding s_utf8 = Encoding.GetEncoding("utf-8", new EncoderReplacementFallback(""), DecoderFallback.ReplacementFallback);

    /// <summary>Writes the ids (+1 applied) of <paramref name="token"/> into <paramref name="ids"/>
    /// (length maxChars). <see cref="BosToken"/> and <see cref="EosToken"/> get the sentence marks, as in bilm-tf's vocabulary.</summary>
    public static void Write(string token, Span<int> ids)
    {
        ids.Fill(Padding + 1);
        ids[0] = BeginWord + 1;
        if (token == BosToken || token == EosToken)
        {
            ids[1] = (token == BosToken ? BeginSentence : EndSentence) + 1;
            ids[2] = EndWord + 1;
            return;
        }
        int max = ids.Length - 2;
        // Only the first max bytes are kept: encode a prefix of at most max chars (each char gives at least one byte).
        var prefix = token.AsSpan(0, Math.Min(token.Length, max + 1));
        Span<byte> bytes = stackalloc byte[s_utf8.GetMaxByteCount(prefix.Length)];
        int n = Math.Min(s_utf8.GetBytes(prefix, bytes), max);
        for (int k = 0; k < n; k++)
            ids[k + 1] = bytes[k] + 1;
        ids[n + 1] = EndWord + 1;
    }

    /// <summary>The ids (+1 applied) of <paramref name="token"/>, <paramref name="maxChars"/> of them.</summary>
    public static int[] Of(string token, int maxChars = 50)
    {
        var ids = new int[maxChars];
        Write(token, ids);
        return ids;
    }
}

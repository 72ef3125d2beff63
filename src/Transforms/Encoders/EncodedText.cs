namespace MLNetContextual;

/// <summary>One token of a text as an encoder splits it: its id (−1 when the encoder has no vocabulary ids), its string
/// and its span in the original text.</summary>
/// <param name="Id">Vocabulary id, or −1.</param>
/// <param name="Text">The token's string (BERT: the vocabulary entry, "##" kept).</param>
/// <param name="Start">Index of the span's first UTF-16 char in the original text.</param>
/// <param name="Length">Length of the span in UTF-16 chars; at least 1.</param>
public readonly record struct EncoderToken(int Id, string Text, int Start, int Length);

/// <summary>
/// Model input for one text or one text pair, special tokens included (BERT: <c>[CLS] a [SEP]</c> or
/// <c>[CLS] a [SEP] b [SEP]</c>). All arrays have <see cref="Length"/> entries; special tokens have the span (0, 0).
/// </summary>
public class EncodedText
{
    /// <summary>An input built by an encoder.</summary>
    public EncodedText(int[] ids, int[] typeIds, int[] starts, int[] lengths, string[] tokens, int truncatedPieces)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        int n = tokens.Length;
        if (ids.Length != n || typeIds.Length != n || starts.Length != n || lengths.Length != n)
            throw new ArgumentException($"ids ({ids.Length}), typeIds ({typeIds.Length}), starts ({starts.Length}) and lengths ({lengths.Length}) must all have {n} entries, one per token.");
        Ids = ids;
        TypeIds = typeIds;
        Starts = starts;
        Lengths = lengths;
        Tokens = tokens;
        TruncatedPieces = truncatedPieces;
    }

    /// <summary>Vocabulary ids, specials included (−1 where the encoder has no ids).</summary>
    public int[] Ids { get; }

    /// <summary>Segment ids: 0 for the first text (and the specials around it), 1 for the second text of a pair.</summary>
    public int[] TypeIds { get; }

    /// <summary>Start of each token's span in its original text (the first or the second, see <see cref="TypeIds"/>).</summary>
    public int[] Starts { get; }

    /// <summary>Length of each token's span in its original text; 0 for special tokens.</summary>
    public int[] Lengths { get; }

    /// <summary>The tokens' strings.</summary>
    public string[] Tokens { get; }

    /// <summary>Number of tokens, specials included.</summary>
    public int Length => Ids.Length;

    /// <summary>Tokens dropped by truncation; 0 when nothing was dropped.</summary>
    public int TruncatedPieces { get; }

    /// <summary>Whether token <paramref name="index"/> is one the encoder added (it covers no text).</summary>
    public bool IsSpecial(int index) => Lengths[index] == 0;
}

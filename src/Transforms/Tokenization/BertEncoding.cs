namespace MLNetContextual;

/// <summary>Model input for one text or one text pair: <c>[CLS] a [SEP]</c> or <c>[CLS] a [SEP] b [SEP]</c>.</summary>
/// <remarks>All arrays have <see cref="Length"/> entries. Special tokens get the span (0, 0).</remarks>
public sealed class BertEncoding
{
    internal BertEncoding(int[] ids, int[] typeIds, int[] starts, int[] lengths, string[] tokens, int truncatedPieces)
    {
        Ids = ids;
        TypeIds = typeIds;
        Starts = starts;
        Lengths = lengths;
        Tokens = tokens;
        TruncatedPieces = truncatedPieces;
    }

    /// <summary>Vocabulary ids, specials included.</summary>
    public int[] Ids { get; }

    /// <summary>Segment ids: 0 for [CLS], the first text and its [SEP]; 1 for the second text and the last [SEP].</summary>
    public int[] TypeIds { get; }

    /// <summary>Start of each token's span in its original text (the first or the second text, see <see cref="TypeIds"/>).</summary>
    public int[] Starts { get; }

    /// <summary>Length of each token's span in its original text; 0 for specials.</summary>
    public int[] Lengths { get; }

    /// <summary>Vocabulary strings of the tokens.</summary>
    public string[] Tokens { get; }

    /// <summary>Number of tokens, specials included; never more than the maxTokens asked for.</summary>
    public int Length => Ids.Length;

    /// <summary>Word pieces dropped by truncation, over both texts of a pair; 0 when nothing was dropped.</summary>
    public int TruncatedPieces { get; }
}

namespace MLNetContextual;

/// <summary>Model input for one text or one text pair: <c>[CLS] a [SEP]</c> or <c>[CLS] a [SEP] b [SEP]</c>.</summary>
/// <remarks>All arrays have <see cref="EncodedText.Length"/> entries. Special tokens get the span (0, 0).</remarks>
public sealed class BertEncoding : EncodedText
{
    internal BertEncoding(int[] ids, int[] typeIds, int[] starts, int[] lengths, string[] tokens, int truncatedPieces)
        : base(ids, typeIds, starts, lengths, tokens, truncatedPieces)
    {
    }
}

namespace MLNetContextual;

/// <summary>
/// Mirror-BERT's input augmentation (cambridgeltl/mirror-bert, <c>src/data_loader.py</c>, <c>erase_and_mask</c>): in a
/// string of at least <c>minLength</c> characters, a span of <c>spanLength</c> characters starting at a uniformly drawn
/// index in [0, length − spanLength) is replaced by <c>[MASK]</c>, joined with a space on each side. Shorter strings are
/// returned unchanged.
/// </summary>
/// <remarks>Deviation: the reference cuts the string at the first occurrence of the drawn span's text (Python's
/// <c>split(span, 1)</c>), which is an earlier position when that text also occurs before the drawn index; here the span
/// at the drawn index is the one replaced. Lengths are counted in UTF-16 chars (the reference: code points).</remarks>
internal static class MirrorBertMasking
{
    public const string MaskToken = "[MASK]";

    /// <summary>Whether <see cref="Mask"/> masks <paramref name="text"/> (it is long enough).</summary>
    public static bool Masks(string text, int spanLength, int minLength) =>
        spanLength > 0 && text.Length > spanLength && text.Length >= minLength;

    /// <summary>The masked copy of <paramref name="text"/>; draws one number from <paramref name="rng"/> exactly when it
    /// masks.</summary>
    public static string Mask(string text, Random rng, int spanLength, int minLength)
    {
        if (!Masks(text, spanLength, minLength))
            return text;
        int start = rng.Next(text.Length - spanLength);
        return text[..start] + " " + MaskToken + " " + text[(start + spanLength)..];
    }
}

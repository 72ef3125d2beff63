namespace MLNetContextual;

/// <summary><see cref="ITextTokenizer.Encode"/> for encoders of single texts (ELMo, context2vec, CoVe): the first words
/// that fit beside the special tokens, assembled, the rest counted in <see cref="EncodedText.TruncatedPieces"/>.</summary>
internal static class SingleTextEncoding
{
    /// <param name="tokenizer">Splits and assembles.</param>
    /// <param name="text">The text; null is the empty text.</param>
    /// <param name="secondText">Must be null: these encoders have no text-pair input.</param>
    /// <param name="maxTokens">Tokens kept, special tokens included.</param>
    /// <param name="model">The encoder's name in errors ("ELMo").</param>
    /// <param name="smallest">What the smallest input holds, for the error when <paramref name="maxTokens"/> is too small
    /// ("&lt;S&gt;, one word, &lt;/S&gt;").</param>
    public static EncodedText Encode(ITextTokenizer tokenizer, string text, string secondText, int maxTokens, string model, string smallest)
    {
        if (secondText != null)
            throw new NotSupportedException($"{model} encodes single texts; it has no text-pair input.");
        int specials = tokenizer.SpecialTokenCount;
        if (specials > 0 && maxTokens < specials + 1)
            throw new ArgumentOutOfRangeException(nameof(maxTokens), $"maxTokens is {maxTokens}; {model} needs at least {specials + 1} ({smallest}).");
        var tokens = tokenizer.Split(text ?? string.Empty);
        int kept = Math.Min(tokens.Count, maxTokens - specials);
        var e = tokenizer.Assemble(tokens, 0, kept);
        return tokens.Count == kept ? e : new EncodedText(e.Ids, e.TypeIds, e.Starts, e.Lengths, e.Tokens, tokens.Count - kept);
    }
}

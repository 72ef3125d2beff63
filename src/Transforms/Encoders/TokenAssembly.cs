namespace MLNetContextual;

/// <summary><see cref="ITextTokenizer.Assemble"/> for tokenizers that put one special token before a single text's
/// tokens and one after it (BERT's [CLS] … [SEP], ELMo's &lt;S&gt; … &lt;/S&gt;, context2vec, Cross-View Training).</summary>
internal static class TokenAssembly
{
    /// <summary>tokens[<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>) between
    /// <paramref name="first"/> and <paramref name="last"/>: each token's id from <paramref name="idOf"/>, its text and
    /// character offsets (the special tokens have none), one segment (type ids 0), nothing truncated.</summary>
    public static EncodedText Between(IReadOnlyList<EncoderToken> tokens, int start, int count,
        (int Id, string Text) first, (int Id, string Text) last, Func<EncoderToken, int> idOf)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (start < 0 || count < 0 || start + count > tokens.Count)
            throw new ArgumentOutOfRangeException(nameof(count), $"Tokens {start} to {start + count} are outside the {tokens.Count} given.");
        int n = count + 2;
        var ids = new int[n];
        var starts = new int[n];
        var lengths = new int[n];
        var strings = new string[n];
        (ids[0], strings[0]) = first;
        for (int i = 0; i < count; i++)
        {
            var t = tokens[start + i];
            (ids[i + 1], strings[i + 1], starts[i + 1], lengths[i + 1]) = (idOf(t), t.Text, t.Start, t.Length);
        }
        (ids[^1], strings[^1]) = last;
        return new EncodedText(ids, new int[n], starts, lengths, strings, 0);
    }
}

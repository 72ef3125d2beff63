namespace MLNetContextual;

/// <summary>The check every <see cref="ITokenEncoder.Assemble"/> makes before assembling a window of tokens.</summary>
internal static class TokenFit
{
    /// <summary>Throws unless <paramref name="count"/> tokens fit in <paramref name="maxTokens"/> beside
    /// <paramref name="specialCount"/> special tokens; <paramref name="specials"/> names them in the message ("[CLS] and
    /// [SEP]"), null where the encoder has none.</summary>
    public static void Check(int count, int maxTokens, int specialCount, string specials)
    {
        if (count > maxTokens - specialCount)
            throw new ArgumentOutOfRangeException(nameof(count), specials == null
                ? $"{count} tokens do not fit: at most {maxTokens - specialCount}."
                : $"{count} tokens do not fit: at most {maxTokens - specialCount} besides {specials}.");
    }
}

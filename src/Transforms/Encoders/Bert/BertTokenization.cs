namespace MLNetContextual;

/// <summary>WordPiece as an <see cref="ITextTokenizer"/>: <c>[CLS] a [SEP]</c> and <c>[CLS] a [SEP] b [SEP]</c>, truncated
/// as Hugging Face's tokenizer does (see <see cref="BertTextTokenizer"/>).</summary>
public sealed class BertTokenization : ITextTokenizer
{
    /// <summary>Wraps <paramref name="tokenizer"/>.</summary>
    public BertTokenization(BertTextTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        Tokenizer = tokenizer;
    }

    /// <summary>The WordPiece tokenizer.</summary>
    public BertTextTokenizer Tokenizer { get; }

    /// <inheritdoc />
    public int SpecialTokenCount => 2;

    /// <inheritdoc />
    public int PadId => Tokenizer.PadId;

    /// <inheritdoc />
    public EncodedText Encode(string text, string secondText, int maxTokens) => secondText == null
        ? Tokenizer.Encode(text ?? string.Empty, maxTokens)
        : Tokenizer.EncodePair(text ?? string.Empty, secondText, maxTokens);

    /// <inheritdoc />
    public IReadOnlyList<EncoderToken> Split(string text)
    {
        var pieces = Tokenizer.Tokenize(text);
        var tokens = new EncoderToken[pieces.Count];
        for (int i = 0; i < tokens.Length; i++)
            tokens[i] = new EncoderToken(pieces[i].Id, pieces[i].Token, pieces[i].Start, pieces[i].Length);
        return tokens;
    }

    /// <inheritdoc />
    public EncodedText Assemble(IReadOnlyList<EncoderToken> tokens, int start, int count)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (start < 0 || count < 0 || start + count > tokens.Count)
            throw new ArgumentOutOfRangeException(nameof(count), $"Tokens {start} to {start + count} are outside the {tokens.Count} given.");
        int n = count + 2;
        var ids = new int[n];
        var starts = new int[n];
        var lengths = new int[n];
        var strings = new string[n];
        ids[0] = Tokenizer.ClsId;
        strings[0] = "[CLS]";
        for (int i = 0; i < count; i++)
        {
            var t = tokens[start + i];
            (ids[i + 1], strings[i + 1], starts[i + 1], lengths[i + 1]) = (t.Id, t.Text, t.Start, t.Length);
        }
        ids[^1] = Tokenizer.SepId;
        strings[^1] = "[SEP]";
        return new EncodedText(ids, new int[n], starts, lengths, strings, 0);
    }
}

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
    public EncodedText Assemble(IReadOnlyList<EncoderToken> tokens, int start, int count) =>
        TokenAssembly.Between(tokens, start, count, (Tokenizer.ClsId, "[CLS]"), (Tokenizer.SepId, "[SEP]"), t => t.Id);
}

namespace MLNetContextual;

/// <summary>
/// ELMo's text side: words with their character spans, and <c>&lt;S&gt;</c> … <c>&lt;/S&gt;</c> around each text as special
/// tokens (span (0, 0), id −1). The model reads the tokens' strings as characters (<see cref="ElmoCharacters"/>); there
/// are no vocabulary ids. A word is a run of letters, digits and marks (an inner apostrophe, hyphen, period or comma
/// between letters or digits stays in the word: "don't", "U.S", "3.5"); every other character that is not white space is
/// a token of its own. With <see cref="WhitespaceOnly"/>, tokens are the white-space-separated strings as they are (text
/// that is tokenized already, as bilm-tf's examples are).
/// </summary>
public sealed class ElmoTokenizer : ITextTokenizer
{
    /// <summary>A tokenizer for texts, splitting words from punctuation unless <paramref name="whitespaceOnly"/>.</summary>
    public ElmoTokenizer(bool whitespaceOnly = false) => WhitespaceOnly = whitespaceOnly;

    /// <summary>Whether tokens are the white-space-separated strings, punctuation left attached.</summary>
    public bool WhitespaceOnly { get; }

    /// <inheritdoc />
    public int SpecialTokenCount => 2;

    /// <inheritdoc />
    public int PadId => -1;

    /// <inheritdoc />
    public EncodedText Encode(string text, string secondText, int maxTokens) =>
        SingleTextEncoding.Encode(this, text, secondText, maxTokens, "ELMo", "<S>, one word, </S>");

    /// <inheritdoc />
    public IReadOnlyList<EncoderToken> Split(string text)
    {
        var tokens = new List<EncoderToken>();
        if (string.IsNullOrEmpty(text))
            return tokens;
        int i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
                continue;
            }
            int start = i;
            if (WhitespaceOnly)
                while (i < text.Length && !char.IsWhiteSpace(text[i]))
                    i++;
            else if (IsWordChar(text, i))
            {
                while (i < text.Length && (IsWordChar(text, i)
                    || (text[i] is '\'' or '’' or '-' or '.' or ',' && i + 1 < text.Length && IsWordChar(text, i + 1) && IsWordChar(text, i - 1))))
                    i += char.IsSurrogatePair(text, i) ? 2 : 1;
            }
            else
                i += char.IsSurrogatePair(text, i) ? 2 : 1;
            tokens.Add(new EncoderToken(-1, text[start..i], start, i - start));
        }
        return tokens;
    }

    private static bool IsWordChar(string text, int i) =>
        char.IsLetterOrDigit(text, i) || char.GetUnicodeCategory(text, i) is System.Globalization.UnicodeCategory.NonSpacingMark
            or System.Globalization.UnicodeCategory.SpacingCombiningMark;

    /// <inheritdoc />
    public EncodedText Assemble(IReadOnlyList<EncoderToken> tokens, int start, int count) =>
        TokenAssembly.Between(tokens, start, count, (-1, ElmoCharacters.BosToken), (-1, ElmoCharacters.EosToken), _ => -1);   // ELMo reads characters, not ids
}

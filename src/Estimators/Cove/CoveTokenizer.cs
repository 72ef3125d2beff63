namespace MLNetContextual;

/// <summary>
/// CoVe's text side: words with their character spans, split as <see cref="ElmoTokenizer"/> splits them (a word is a run
/// of letters, digits and marks; every other non-space character is a token of its own), no special tokens. A token's id
/// is its row in the GloVe table (looked up lower-cased when <see cref="LowerCase"/>, as the reference's torchtext field
/// with <c>lower=True</c> and GloVe 6B do), or −1 for a word GloVe lacks: that word gets GloVe's zero vector, as the
/// reference recommends (salesforce/cove README, "Unknown Words").
/// </summary>
internal sealed class CoveTokenizer : ITextTokenizer
{
    private static readonly ElmoTokenizer Words = new(whitespaceOnly: false);
    private readonly StaticEmbeddings _glove;

    public CoveTokenizer(StaticEmbeddings glove, bool lowerCase) => (_glove, LowerCase) = (glove, lowerCase);

    /// <summary>Whether words are looked up lower-cased.</summary>
    public bool LowerCase { get; }

    public int SpecialTokenCount => 0;

    public int PadId => -1;

    public EncodedText Encode(string text, string secondText, int maxTokens) =>
        SingleTextEncoding.Encode(this, text, secondText, maxTokens, "CoVe", "one word");

    public IReadOnlyList<EncoderToken> Split(string text) =>
        Words.Split(text).Select(t => t with { Id = _glove.IndexOf(Key(t.Text)) }).ToArray();

    /// <summary>The string looked up in GloVe.</summary>
    public string Key(string word) => LowerCase ? word.ToLowerInvariant() : word;

    public EncodedText Assemble(IReadOnlyList<EncoderToken> tokens, int start, int count)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (start < 0 || count < 0 || start + count > tokens.Count)
            throw new ArgumentOutOfRangeException(nameof(count), $"Tokens {start} to {start + count} are outside the {tokens.Count} given.");
        var ids = new int[count];
        var starts = new int[count];
        var lengths = new int[count];
        var strings = new string[count];
        for (int i = 0; i < count; i++)
        {
            var t = tokens[start + i];
            (ids[i], strings[i], starts[i], lengths[i]) = (t.Id >= 0 ? t.Id : _glove.IndexOf(Key(t.Text)), t.Text, t.Start, t.Length);
        }
        return new EncodedText(ids, new int[count], starts, lengths, strings, 0);
    }
}

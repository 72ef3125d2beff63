namespace MLNetContextual;

/// <summary>
/// The text side of a Cross-View Training tagger: tokens are the white-space-separated strings of the text as they are
/// (tagging data is tokenized already; one tag per such token), each looked up normalised
/// (<see cref="CrossViewVocabulary.Normalize"/>, &lt;unk&gt; for words the vocabulary lacks) and read as characters
/// with their case. <see cref="Assemble"/> adds &lt;start&gt; before the words and &lt;end&gt; after them, each with
/// the span (0, 0), as the reference pads every sentence.
/// </summary>
internal sealed class CrossViewTokenizer : ITextTokenizer
{
    private static readonly ElmoTokenizer Whitespace = new(whitespaceOnly: true);
    private readonly CrossViewVocabulary _vocabulary;

    public CrossViewTokenizer(CrossViewVocabulary vocabulary) => _vocabulary = vocabulary;

    public int SpecialTokenCount => 2;

    public int PadId => CrossViewVocabulary.PadId;

    /// <summary>The tokens of a text (no vocabulary needed): its white-space-separated strings; null is the empty text.</summary>
    public static string[] Tokens(string text) =>
        string.IsNullOrEmpty(text) ? [] : text.Split((char[])null, StringSplitOptions.RemoveEmptyEntries);

    public EncodedText Encode(string text, string secondText, int maxTokens) =>
        SingleTextEncoding.Encode(this, text, secondText, maxTokens, "Cross-View Training", "<start>, one word, <end>");

    public IReadOnlyList<EncoderToken> Split(string text) =>
        Whitespace.Split(text ?? string.Empty).Select(t => t with { Id = _vocabulary.WordId(t.Text) }).ToArray();

    public EncodedText Assemble(IReadOnlyList<EncoderToken> tokens, int start, int count) =>
        TokenAssembly.Between(tokens, start, count, (CrossViewVocabulary.StartId, CrossViewVocabulary.Start), (CrossViewVocabulary.EndId, CrossViewVocabulary.End),
            t => t.Id >= 0 ? t.Id : _vocabulary.WordId(t.Text));
}

namespace MLNetContextual;

/// <summary>
/// The text side of context2vec: words split as <see cref="ElmoTokenizer"/> splits them (words apart from punctuation,
/// or white space only for text that is tokenized already), lower-cased when the model is (the reference lower-cases
/// everything), mapped to vocabulary ids (&lt;UNK&gt; for the rest). <see cref="Assemble"/> adds &lt;BOS&gt; before the
/// words and &lt;EOS&gt; after them, each with the span (0, 0): their states are the context of a word inserted before
/// the first word and after the last.
/// </summary>
internal sealed class Context2VecTokenizer : ITextTokenizer
{
    private readonly ElmoTokenizer _split;
    private readonly Context2VecVocabulary _vocabulary;

    /// <summary>A tokenizer over <paramref name="vocabulary"/>; null (while the vocabulary is being built): only
    /// <see cref="Words"/> may be used.</summary>
    public Context2VecTokenizer(Context2VecVocabulary vocabulary, bool lowerCase, bool whitespaceOnly)
    {
        _vocabulary = vocabulary;
        _split = new ElmoTokenizer(whitespaceOnly);
        LowerCase = lowerCase;
    }

    public bool LowerCase { get; }

    public int SpecialTokenCount => 2;

    public int PadId => Context2VecVocabulary.UnknownId;

    /// <summary>The word as the vocabulary holds it.</summary>
    public string Normalize(string word) => LowerCase ? word.ToLowerInvariant() : word;

    /// <summary>The words of a text as the vocabulary holds them (training).</summary>
    public string[] Words(string text) => _split.Split(text ?? string.Empty).Select(t => Normalize(t.Text)).ToArray();

    public EncodedText Encode(string text, string secondText, int maxTokens) =>
        SingleTextEncoding.Encode(this, text, secondText, maxTokens, "context2vec", "<BOS>, one word, <EOS>");

    public IReadOnlyList<EncoderToken> Split(string text) =>
        _split.Split(text).Select(t => t with { Id = _vocabulary.Id(Normalize(t.Text)) }).ToArray();

    public EncodedText Assemble(IReadOnlyList<EncoderToken> tokens, int start, int count) =>
        TokenAssembly.Between(tokens, start, count, (Context2VecVocabulary.BosId, Context2VecVocabulary.Bos), (Context2VecVocabulary.EosId, Context2VecVocabulary.Eos),
            t => t.Id >= 0 ? t.Id : _vocabulary.Id(Normalize(t.Text)));
}

using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>
/// A fitted Cross-View Training tagger (from <c>LearnCrossViewTagger</c>): adds the predicted tag of every token
/// (<see cref="OutputColumnName"/>, Vector&lt;String&gt;) and the tokens tagged (<see cref="TokensColumnName"/>,
/// Vector&lt;String&gt;). The input column is a String of white-space-separated tokens or a Vector&lt;String&gt; of
/// tokens; null or empty text gives no tokens and no tags. A text is tagged in full, whatever its length (the LSTMs have
/// no limit; cost is linear in the tokens). Unknown words read as &lt;unk&gt; (and by their characters), unknown
/// characters as the unknown character. Tagging runs in managed code (no libtorch); the zip holds the encoder's config,
/// vocabulary, tags and weights, each checked by SHA-256 at load.
/// </summary>
public sealed class CrossViewTaggerTransformer : ContextualTransformerBase
{
    internal const string ComponentId = "cross-view-tagger";
    private const string SettingsEntry = "CrossViewTagger.json";

    internal CrossViewTaggerTransformer(string input, string output, string tokens, CrossViewEncoder encoder)
    {
        InputColumnName = input;
        OutputColumnName = output;
        TokensColumnName = tokens;
        Encoder = encoder;
    }

    /// <summary>The token column read (String or Vector&lt;String&gt;).</summary>
    public string InputColumnName { get; }
    /// <summary>The predicted-tags column.</summary>
    public string OutputColumnName { get; }
    /// <summary>The tokens column.</summary>
    public string TokensColumnName { get; }
    /// <summary>The trained tagger, also a token encoder for <c>ApplyContextualTokenEmbedding</c> and the others.</summary>
    public CrossViewEncoder Encoder { get; }
    /// <summary>The tags it predicts.</summary>
    public IReadOnlyList<string> Tags => Encoder.Tags;

    internal override int FormatVersion => 1;

    internal override ColumnMapper CreateMapper(DataViewSchema inputSchema) => new Mapper(this, inputSchema);

    private sealed record Settings(string Input, string Output, string Tokens);

    internal override void SaveModel(ModelWriter writer)
    {
        writer.WriteJson(SettingsEntry, new Settings(InputColumnName, OutputColumnName, TokensColumnName));
        EncoderFiles.Save(writer, Encoder, selfContained: true);
    }

    internal static CrossViewTaggerTransformer LoadModel(ModelReader reader)
    {
        var s = reader.ReadJson<Settings>(SettingsEntry);
        if (string.IsNullOrEmpty(s.Input) || string.IsNullOrEmpty(s.Output) || string.IsNullOrEmpty(s.Tokens))
            throw new InvalidDataException($"The saved model's '{SettingsEntry}' of {reader.Component} lacks a column name.");
        return new CrossViewTaggerTransformer(s.Input, s.Output, s.Tokens, EncoderFiles.Load<CrossViewEncoder>(reader));
    }

    private sealed class Mapper : ColumnMapper<string[], string[]>
    {
        private readonly CrossViewTaggerTransformer _parent;
        private readonly DataViewSchema.Column _input;

        public Mapper(CrossViewTaggerTransformer parent, DataViewSchema inputSchema) : base(inputSchema)
        {
            _parent = parent;
            _input = CrossViewColumns.Require(inputSchema, parent.InputColumnName);
            OutputColumns =
            [
                new(parent.OutputColumnName, new VectorDataViewType(TextDataViewType.Instance)),
                new(parent.TokensColumnName, new VectorDataViewType(TextDataViewType.Instance)),
            ];
        }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns { get; }
        public override IReadOnlyList<int> Dependencies => [_input.Index];
        public override int BatchSize => 32;

        // The result row holds the tokens, then the tags: [t_1 … t_n, g_1 … g_n].
        public override Func<string[]> CreateInputReader(DataViewRow row) => CrossViewColumns.Reader(row, _input);

        public override void Map(ReadOnlySpan<string[]> inputs, Span<string[]> results)
        {
            var sentences = inputs.ToArray();
            var tags = _parent.Encoder.TagAll(sentences);
            for (int i = 0; i < sentences.Length; i++)
                results[i] = [.. sentences[i], .. tags[i]];
        }

        public override Delegate CreateOutputGetter(int index, Func<string[]> current) => index == 0
            ? VectorGetters.Texts(() => { var r = current(); return r[(r.Length / 2)..]; })
            : VectorGetters.Texts(() => { var r = current(); return r[..(r.Length / 2)]; });
    }
}

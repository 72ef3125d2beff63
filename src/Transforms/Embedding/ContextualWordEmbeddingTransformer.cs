using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>
/// The contextual vector of one word in its sentence: the average of the encoder's vectors (the chosen layers mixed) for
/// the tokens that overlap the character span [Start, Start + Length) of the text. When the text is longer than
/// <see cref="EncoderOptions.MaxTokens"/>, the encoder sees a window of the text centred on the span instead of its
/// beginning, so the word is never cut off. A span outside its text is an error naming the row; a span holding only
/// whitespace gives the zero vector. Works with any token encoder.
/// </summary>
public sealed class ContextualWordEmbeddingTransformer : ContextualTransformerBase, IDisposable
{
    internal const string ComponentId = "contextual-word-embedding";
    private const string SettingsEntry = "Transformer.json";

    private readonly EncoderHandle _encoder;

    internal ContextualWordEmbeddingTransformer(string output, string text, string start, string length, EncoderHandle encoder, bool normalize)
    {
        OutputColumnName = output;
        TextColumnName = text;
        StartColumnName = start;
        LengthColumnName = length;
        _encoder = encoder;
        Normalize = normalize;
        if (encoder.Tokens == null)
            throw new ArgumentOutOfRangeException(nameof(encoder),
                $"Encoder '{encoder.Descriptor.Name}' ({encoder.Descriptor.Kind}) has no token vectors; ApplyContextualWordEmbedding needs TokenVectors.");
    }

    /// <summary>The output column (Vector&lt;Single, dimension&gt;).</summary>
    public string OutputColumnName { get; }
    /// <summary>The text column.</summary>
    public string TextColumnName { get; }
    /// <summary>The column with the word's first character index.</summary>
    public string StartColumnName { get; }
    /// <summary>The column with the word's length in characters.</summary>
    public string LengthColumnName { get; }
    /// <summary>Whether vectors are scaled to unit length.</summary>
    public bool Normalize { get; }
    /// <summary>The encoder's hidden size.</summary>
    public int Dimension => _encoder.Dimension;
    /// <summary>The encoder.</summary>
    public ContextualEncoder Encoder => _encoder.Descriptor;

    internal override int FormatVersion => 2;

    internal override ColumnMapper CreateMapper(DataViewSchema inputSchema) => new Mapper(this, inputSchema);

    internal static (int Text, int Start, int Length) CheckSchema(DataViewSchema schema, string text, string start, string length) =>
        (SchemaChecks.RequireText(schema, text).Index,
         SchemaChecks.Require(schema, start, "Int32 or Int64", WordSpan.IsInteger).Index,
         SchemaChecks.Require(schema, length, "Int32 or Int64", WordSpan.IsInteger).Index);

    private sealed record Settings(string Output, string Text, string Start, string Length, bool Normalize);

    internal override void SaveModel(ModelWriter writer)
    {
        writer.WriteJson(SettingsEntry, new Settings(OutputColumnName, TextColumnName, StartColumnName, LengthColumnName, Normalize));
        _encoder.Save(writer);
    }

    internal static ContextualWordEmbeddingTransformer LoadModel(ModelReader reader)
    {
        if (reader.FormatVersion == 1)
        {
            var r = reader.Reader;
            string output = r.ReadString(), text = r.ReadString(), start = r.ReadString(), length = r.ReadString();
            bool normalize = r.ReadBoolean();
            return new ContextualWordEmbeddingTransformer(output, text, start, length, EncoderHandle.LoadLegacy(reader, nameof(ContextualWordEmbeddingTransformer)), normalize);
        }
        var s = reader.ReadJson<Settings>(SettingsEntry);
        return new ContextualWordEmbeddingTransformer(s.Output, s.Text, s.Start, s.Length,
            EncoderHandle.Load(reader, nameof(ContextualWordEmbeddingTransformer)), s.Normalize);
    }

    /// <summary>Releases the encoder (after rows being encoded on other threads are done).</summary>
    public void Dispose() => _encoder.Dispose();

    /// <summary>Encodes a window of the text that holds the span; returns the input and its token range for the span.</summary>
    private (EncodedText Input, int First, int End) EncodeAround(ITokenEncoder tok, WordSpan span)
    {
        var tokens = tok.Split(span.Text);
        int first = -1, end = -1;
        for (int i = 0; i < tokens.Count; i++)
        {
            var p = tokens[i];
            if (p.Start < span.Start + span.Length && p.Start + p.Length > span.Start)
            {
                if (first < 0) first = i;
                end = i + 1;
            }
        }
        if (first < 0)
            return (tok.Assemble(tokens, 0, 0), 0, 0);   // the span holds only whitespace or dropped characters

        int room = tok.MaxTokens - tok.SpecialTokenCount;
        int from = 0;
        if (tokens.Count > room)
        {
            // Centre the window on the span (clipped to the text) so the word keeps context on both sides.
            int spanTokens = end - first;
            from = Math.Clamp(first - (room - spanTokens) / 2, 0, tokens.Count - room);
            if (spanTokens > room)
            {
                from = first;
                end = first + room;
            }
        }
        int count = Math.Min(tokens.Count - from, room);
        var input = tok.Assemble(tokens, from, count);
        // Where the span's tokens sit in the assembled input: the first content token is the one at tokens[from].
        int offset = 0;
        while (offset < input.Length && input.IsSpecial(offset))
            offset++;
        return (input, first - from + offset, end - from + offset);
    }

    private void Embed(ReadOnlySpan<WordSpan> inputs, Span<float[]> results)
    {
        using var use = _encoder.Enter();
        var tok = _encoder.Tokens;
        var encoded = new (EncodedText Input, int First, int End)[inputs.Length];
        var texts = new EncodedText[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            encoded[i] = EncodeAround(tok, inputs[i]);
            texts[i] = encoded[i].Input;
        }
        var output = new float[inputs.Length][];
        float[] buffer = null;
        tok.Run(texts, _encoder.Layers, (i, states) =>
        {
            var vector = new float[states.Dimension];
            if (encoded[i].End > encoded[i].First)
                TokenPooling.Mean(LayerMixer.Mix(states, _encoder.Coefficients, ref buffer), encoded[i].First, encoded[i].End, vector);
            if (Normalize)
                TokenPooling.Normalize(vector);
            output[i] = vector;
        });
        output.CopyTo(results);
    }

    private sealed class Mapper : ColumnMapper<WordSpan, float[]>
    {
        private readonly ContextualWordEmbeddingTransformer _parent;
        private readonly (int Text, int Start, int Length) _columns;

        public Mapper(ContextualWordEmbeddingTransformer parent, DataViewSchema inputSchema) : base(inputSchema)
        {
            _parent = parent;
            _columns = CheckSchema(inputSchema, parent.TextColumnName, parent.StartColumnName, parent.LengthColumnName);
            OutputColumns = [new(parent.OutputColumnName, new VectorDataViewType(NumberDataViewType.Single, parent.Dimension))];
        }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns { get; }
        public override IReadOnlyList<int> Dependencies => [_columns.Text, _columns.Start, _columns.Length];
        public override int BatchSize => _parent._encoder.Lookahead;

        public override Func<WordSpan> CreateInputReader(DataViewRow row)
        {
            var text = SchemaChecks.TextReader(row, _columns.Text);
            var start = WordSpan.IntegerReader(row, _columns.Start);
            var length = WordSpan.IntegerReader(row, _columns.Length);
            return () =>
            {
                var span = new WordSpan(text(), start(), length());
                span.Check(row.Position);
                return span;
            };
        }

        public override void Map(ReadOnlySpan<WordSpan> inputs, Span<float[]> results) => _parent.Embed(inputs, results);

        public override Delegate CreateOutputGetter(int index, Func<float[]> current) => VectorGetters.Floats(current);
    }
}

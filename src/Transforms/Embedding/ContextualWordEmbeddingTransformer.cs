using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>
/// The contextual vector of one word in its sentence: the average of the encoder's vectors for the word pieces that
/// overlap the character span [Start, Start + Length) of the text. When the text is longer than
/// <see cref="EncoderOptions.MaxTokens"/>, the encoder sees a window of the text centred on the span instead of its
/// beginning, so the word is never cut off. A span outside its text is an error naming the row.
/// </summary>
public sealed class ContextualWordEmbeddingTransformer : ContextualTransformerBase, IDisposable
{
    private readonly EncoderHandle _encoder;

    internal ContextualWordEmbeddingTransformer(string output, string text, string start, string length, EncoderHandle encoder, bool normalize)
    {
        OutputColumnName = output;
        TextColumnName = text;
        StartColumnName = start;
        LengthColumnName = length;
        _encoder = encoder;
        Normalize = normalize;
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

    internal override ColumnMapper CreateMapper(DataViewSchema inputSchema) => new Mapper(this, inputSchema);

    internal static (int Text, int Start, int Length) CheckSchema(DataViewSchema schema, string text, string start, string length) =>
        (SchemaChecks.RequireText(schema, text).Index,
         SchemaChecks.Require(schema, start, "Int32 or Int64", WordSpan.IsInteger).Index,
         SchemaChecks.Require(schema, length, "Int32 or Int64", WordSpan.IsInteger).Index);

    internal override void SaveModel(ModelWriter writer)
    {
        var w = writer.Writer;
        w.Write(OutputColumnName);
        w.Write(TextColumnName);
        w.Write(StartColumnName);
        w.Write(LengthColumnName);
        w.Write(Normalize);
        _encoder.Save(writer);
    }

    internal static ContextualWordEmbeddingTransformer LoadModel(ModelReader reader)
    {
        var r = reader.Reader;
        string output = r.ReadString(), text = r.ReadString(), start = r.ReadString(), length = r.ReadString();
        bool normalize = r.ReadBoolean();
        return new ContextualWordEmbeddingTransformer(output, text, start, length, EncoderHandle.Load(reader), normalize);
    }

    /// <summary>Releases the ONNX Runtime session.</summary>
    public void Dispose() => _encoder.Dispose();

    /// <summary>Encodes a window of the text that holds the span; returns the encoding and its token range for the span.</summary>
    private (int[] Ids, int First, int End) EncodeAround(WordSpan span)
    {
        var tokenizer = _encoder.Tokenizer;
        var pieces = tokenizer.Tokenize(span.Text);
        int first = -1, end = -1;
        for (int i = 0; i < pieces.Count; i++)
        {
            var p = pieces[i];
            if (p.Start < span.Start + span.Length && p.Start + p.Length > span.Start)
            {
                if (first < 0) first = i;
                end = i + 1;
            }
        }
        if (first < 0)
            return ([tokenizer.ClsId, tokenizer.SepId], 0, 0);   // the span holds only whitespace or dropped characters

        int room = _encoder.MaxTokens - 2;
        int from = 0;
        if (pieces.Count > room)
        {
            // Centre the window on the span (clipped to the text) so the word keeps context on both sides.
            int spanPieces = end - first;
            from = Math.Clamp(first - (room - spanPieces) / 2, 0, pieces.Count - room);
            if (spanPieces > room)
            {
                from = first;
                end = first + room;
            }
        }
        int to = Math.Min(pieces.Count, from + room);
        var ids = new int[to - from + 2];
        ids[0] = tokenizer.ClsId;
        for (int i = from; i < to; i++)
            ids[i - from + 1] = pieces[i].Id;
        ids[^1] = tokenizer.SepId;
        return (ids, first - from + 1, end - from + 1);
    }

    private void Embed(ReadOnlySpan<WordSpan> inputs, Span<float[]> results)
    {
        var encoded = new (int[] Ids, int First, int End)[inputs.Length];
        var ids = new int[inputs.Length][];
        for (int i = 0; i < inputs.Length; i++)
        {
            encoded[i] = EncodeAround(inputs[i]);
            ids[i] = encoded[i].Ids;
        }
        var output = new float[inputs.Length][];
        _encoder.Run(ids, default, (i, hidden, row) =>
        {
            var vector = new float[hidden.Dimension];
            if (encoded[i].End > encoded[i].First)
                TokenPooling.Mean(hidden.Row(row), encoded[i].First, encoded[i].End, vector);
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

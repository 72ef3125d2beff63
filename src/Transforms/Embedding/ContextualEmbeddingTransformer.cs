using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>
/// Maps a text column to contextual embeddings: pooled (<c>Vector&lt;Single, dimension&gt;</c>) or, with
/// <see cref="ContextualPooling.None"/>, every token vector flattened (<c>Vector&lt;Single&gt;</c> of tokens × dimension)
/// plus the tokens (<c>Vector&lt;String&gt;</c>). Null and empty text give the embedding of the empty input
/// ([CLS] [SEP]); text longer than <see cref="EncoderOptions.MaxTokens"/> is truncated at the end.
/// Dispose to release the ONNX Runtime session.
/// </summary>
public sealed class ContextualEmbeddingTransformer : ContextualTransformerBase, IDisposable
{
    private readonly EncoderHandle _encoder;

    internal ContextualEmbeddingTransformer(string outputColumnName, string inputColumnName, EncoderHandle encoder,
        ContextualPooling pooling, bool normalize, string tokensColumnName)
    {
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
        _encoder = encoder;
        Pooling = pooling;
        Normalize = normalize;
        TokensColumnName = pooling == ContextualPooling.None ? tokensColumnName ?? outputColumnName + "Tokens" : null;
    }

    /// <summary>The output column.</summary>
    public string OutputColumnName { get; }
    /// <summary>The text column.</summary>
    public string InputColumnName { get; }
    /// <summary>The tokens column (only with <see cref="ContextualPooling.None"/>).</summary>
    public string TokensColumnName { get; }
    /// <summary>The pooling.</summary>
    public ContextualPooling Pooling { get; }
    /// <summary>Whether vectors are scaled to unit length.</summary>
    public bool Normalize { get; }
    /// <summary>The encoder's hidden size.</summary>
    public int Dimension => _encoder.Dimension;
    /// <summary>The encoder.</summary>
    public ContextualEncoder Encoder => _encoder.Descriptor;

    internal override ColumnMapper CreateMapper(DataViewSchema inputSchema) => new Mapper(this, inputSchema);

    internal override void SaveModel(ModelWriter writer)
    {
        var w = writer.Writer;
        w.Write(OutputColumnName);
        w.Write(InputColumnName);
        w.Write((int)Pooling);
        w.Write(Normalize);
        w.Write(TokensColumnName ?? string.Empty);
        _encoder.Save(writer);
    }

    internal static ContextualEmbeddingTransformer LoadModel(ModelReader reader)
    {
        var r = reader.Reader;
        string output = r.ReadString(), input = r.ReadString();
        var pooling = (ContextualPooling)r.ReadInt32();
        bool normalize = r.ReadBoolean();
        string tokens = r.ReadString();
        return new ContextualEmbeddingTransformer(output, input, EncoderHandle.Load(reader), pooling, normalize, tokens.Length == 0 ? null : tokens);
    }

    /// <summary>Releases the ONNX Runtime session.</summary>
    public void Dispose() => _encoder.Dispose();

    /// <summary>Embeddings of <paramref name="texts"/> in one batch (pooled, or flattened token vectors with None).</summary>
    internal void Embed(ReadOnlySpan<string> texts, Span<EmbeddedText> results)
    {
        var encodings = new BertEncoding[texts.Length];
        var ids = new int[texts.Length][];
        var types = new int[texts.Length][];
        for (int i = 0; i < texts.Length; i++)
        {
            encodings[i] = _encoder.Encode(texts[i]);
            ids[i] = encodings[i].Ids;
            types[i] = encodings[i].TypeIds;
        }
        var output = new EmbeddedText[texts.Length];
        _encoder.Run(ids, types, (i, hidden, row) =>
        {
            int n = encodings[i].Length, d = hidden.Dimension;
            var tokens = hidden.Row(row);
            if (Pooling == ContextualPooling.None)
            {
                var flat = tokens[..(n * d)].ToArray();
                if (Normalize)
                    for (int t = 0; t < n; t++)
                        TokenPooling.Normalize(flat.AsSpan(t * d, d));
                output[i] = new EmbeddedText(flat, encodings[i].Tokens);
            }
            else
            {
                var vector = new float[d];
                TokenPooling.Pool(Pooling, tokens, n, vector);
                if (Normalize)
                    TokenPooling.Normalize(vector);
                output[i] = new EmbeddedText(vector, null);
            }
        });
        output.CopyTo(results);
    }

    internal sealed record EmbeddedText(float[] Vector, string[] Tokens);

    private sealed class Mapper : ColumnMapper<string, EmbeddedText>
    {
        private readonly ContextualEmbeddingTransformer _parent;
        private readonly int _input;
        private readonly DataViewSchema.DetachedColumn[] _outputs;

        public Mapper(ContextualEmbeddingTransformer parent, DataViewSchema inputSchema) : base(inputSchema)
        {
            _parent = parent;
            _input = SchemaChecks.RequireText(inputSchema, parent.InputColumnName).Index;
            _outputs = parent.Pooling == ContextualPooling.None
                ?
                [
                    new(parent.OutputColumnName, new VectorDataViewType(NumberDataViewType.Single)),
                    new(parent.TokensColumnName, new VectorDataViewType(TextDataViewType.Instance)),
                ]
                : [new(parent.OutputColumnName, new VectorDataViewType(NumberDataViewType.Single, parent.Dimension))];
        }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns => _outputs;
        public override IReadOnlyList<int> Dependencies => [_input];
        public override int BatchSize => _parent._encoder.Lookahead;

        public override Func<string> CreateInputReader(DataViewRow row) => SchemaChecks.TextReader(row, _input);

        public override void Map(ReadOnlySpan<string> inputs, Span<EmbeddedText> results) => _parent.Embed(inputs, results);

        public override Delegate CreateOutputGetter(int index, Func<EmbeddedText> current) => index == 0
            ? VectorGetters.Floats(() => current().Vector)
            : VectorGetters.Texts(() => current().Tokens);
    }
}

using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>
/// The WordPiece tokenizer on its own: text (or a pair of texts) to <c>input_ids</c>, <c>attention_mask</c> and
/// <c>token_type_ids</c>, each a <c>Vector&lt;Int64, MaxTokens&gt;</c>, ready for ML.NET's <c>ApplyOnnxModel</c>.
/// Null text tokenizes as empty.
/// </summary>
public sealed class TokenizeForTransformerTransformer : ContextualTransformerBase
{
    private const string VocabEntry = "Tokenizer.vocab.txt";
    private readonly byte[] _vocabulary;   // kept for saving: a few hundred KB
    private readonly BertTextTokenizer _tokenizer;

    internal TokenizeForTransformerTransformer(string first, string second, TokenizeForTransformerOptions options, byte[] vocabulary, bool lowerCase)
    {
        FirstColumnName = first;
        SecondColumnName = second;
        MaxTokens = options.MaxTokens;
        LowerCase = lowerCase;
        Names = [options.InputIdsColumnName, options.AttentionMaskColumnName, options.TokenTypeIdsColumnName];
        _vocabulary = vocabulary;
        using var stream = new MemoryStream(vocabulary, writable: false);
        _tokenizer = BertTextTokenizer.Load(stream, lowerCase);
    }

    /// <summary>The (first) text column.</summary>
    public string FirstColumnName { get; }
    /// <summary>The second text column of a pair; null for single texts.</summary>
    public string SecondColumnName { get; }
    /// <summary>Length of the output vectors.</summary>
    public int MaxTokens { get; }
    /// <summary>Whether text is lower-cased (uncased vocabulary).</summary>
    public bool LowerCase { get; }
    private string[] Names { get; }

    internal override ColumnMapper CreateMapper(DataViewSchema inputSchema) => new Mapper(this, inputSchema);

    internal override void SaveModel(ModelWriter writer)
    {
        var w = writer.Writer;
        w.Write(FirstColumnName);
        w.Write(SecondColumnName ?? string.Empty);
        w.Write(MaxTokens);
        w.Write(LowerCase);
        foreach (var name in Names)
            w.Write(name);
        writer.WriteBlob(VocabEntry, b => b.Write(_vocabulary));
    }

    internal static TokenizeForTransformerTransformer LoadModel(ModelReader reader)
    {
        var r = reader.Reader;
        string first = r.ReadString(), second = r.ReadString();
        var options = new TokenizeForTransformerOptions { MaxTokens = r.ReadInt32() };
        bool lowerCase = r.ReadBoolean();
        options.InputIdsColumnName = r.ReadString();
        options.AttentionMaskColumnName = r.ReadString();
        options.TokenTypeIdsColumnName = r.ReadString();
        return new TokenizeForTransformerTransformer(first, second.Length == 0 ? null : second, options, reader.ReadBlobBytes(VocabEntry), lowerCase);
    }

    internal sealed record Tokens(long[] Ids, long[] Mask, long[] Types);

    private Tokens Tokenize((string First, string Second) input)
    {
        var encoding = SecondColumnName == null
            ? _tokenizer.Encode(input.First, MaxTokens)
            : _tokenizer.EncodePair(input.First, input.Second, MaxTokens);
        var ids = new long[MaxTokens];
        var mask = new long[MaxTokens];
        var types = new long[MaxTokens];
        for (int i = 0; i < encoding.Length; i++)
        {
            ids[i] = encoding.Ids[i];
            mask[i] = 1;
            types[i] = encoding.TypeIds[i];
        }
        if (_tokenizer.PadId != 0)
            Array.Fill(ids, _tokenizer.PadId, encoding.Length, MaxTokens - encoding.Length);
        return new Tokens(ids, mask, types);
    }

    private sealed class Mapper : ColumnMapper<(string First, string Second), Tokens>
    {
        private readonly TokenizeForTransformerTransformer _parent;
        private readonly int _first, _second;

        public Mapper(TokenizeForTransformerTransformer parent, DataViewSchema inputSchema) : base(inputSchema)
        {
            _parent = parent;
            _first = SchemaChecks.RequireText(inputSchema, parent.FirstColumnName).Index;
            _second = parent.SecondColumnName == null ? -1 : SchemaChecks.RequireText(inputSchema, parent.SecondColumnName).Index;
            var type = new VectorDataViewType(NumberDataViewType.Int64, parent.MaxTokens);
            OutputColumns = parent.Names.Select(n => new DataViewSchema.DetachedColumn(n, type)).ToArray();
        }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns { get; }
        public override IReadOnlyList<int> Dependencies => _second < 0 ? [_first] : [_first, _second];
        public override int BatchSize => 64;

        public override Func<(string First, string Second)> CreateInputReader(DataViewRow row)
        {
            var first = SchemaChecks.TextReader(row, _first);
            var second = _second < 0 ? null : SchemaChecks.TextReader(row, _second);
            return () => (first(), second?.Invoke());
        }

        public override void Map(ReadOnlySpan<(string First, string Second)> inputs, Span<Tokens> results)
        {
            for (int i = 0; i < inputs.Length; i++)
                results[i] = _parent.Tokenize(inputs[i]);
        }

        public override Delegate CreateOutputGetter(int index, Func<Tokens> current) => index switch
        {
            0 => VectorGetters.Longs(() => current().Ids),
            1 => VectorGetters.Longs(() => current().Mask),
            _ => VectorGetters.Longs(() => current().Types),
        };
    }
}

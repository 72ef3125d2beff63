using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>
/// One contextual vector per token: the output column holds every token vector of the row (the chosen layers mixed)
/// flattened as a variable-length <c>Vector&lt;Single&gt;</c> of tokens × <see cref="Dimension"/>, beside the tokens'
/// strings and their character spans in the text. Text longer than <see cref="EncoderOptions.MaxTokens"/> is truncated
/// at the end. Works with any token encoder.
/// </summary>
public sealed class ContextualTokenEmbeddingTransformer : ContextualTransformerBase, IDisposable
{
    internal const string ComponentId = "contextual-token-embedding";
    private const string SettingsEntry = "Transformer.json";

    private readonly EncoderHandle _encoder;

    internal ContextualTokenEmbeddingTransformer(string output, string input, EncoderHandle encoder, bool normalize, bool includeSpecialTokens,
        string tokens, string starts, string lengths)
    {
        OutputColumnName = output;
        InputColumnName = input;
        _encoder = encoder;
        Normalize = normalize;
        IncludeSpecialTokens = includeSpecialTokens;
        TokensColumnName = tokens;
        StartsColumnName = starts;
        LengthsColumnName = lengths;
    }

    /// <summary>The output column: token vectors, flattened.</summary>
    public string OutputColumnName { get; }
    /// <summary>The text column.</summary>
    public string InputColumnName { get; }
    /// <summary>The token strings column.</summary>
    public string TokensColumnName { get; }
    /// <summary>The token starts column.</summary>
    public string StartsColumnName { get; }
    /// <summary>The token lengths column.</summary>
    public string LengthsColumnName { get; }
    /// <summary>Whether each token vector is scaled to unit length.</summary>
    public bool Normalize { get; }
    /// <summary>Whether the encoder's own tokens ([CLS], [SEP]) are kept.</summary>
    public bool IncludeSpecialTokens { get; }
    /// <summary>The length of each token vector.</summary>
    public int Dimension => _encoder.Dimension;
    /// <summary>The encoder.</summary>
    public ContextualEncoder Encoder => _encoder.Descriptor;

    internal override int FormatVersion => 1;

    internal override ColumnMapper CreateMapper(DataViewSchema inputSchema) => new Mapper(this, inputSchema);

    private sealed record Settings(string Output, string Input, bool Normalize, bool IncludeSpecialTokens, string Tokens, string Starts, string Lengths);

    internal override void SaveModel(ModelWriter writer)
    {
        writer.WriteJson(SettingsEntry, new Settings(OutputColumnName, InputColumnName, Normalize, IncludeSpecialTokens, TokensColumnName, StartsColumnName, LengthsColumnName));
        _encoder.Save(writer);
    }

    internal static ContextualTokenEmbeddingTransformer LoadModel(ModelReader reader)
    {
        var s = reader.ReadJson<Settings>(SettingsEntry);
        return new ContextualTokenEmbeddingTransformer(s.Output, s.Input, EncoderHandle.Load(reader, nameof(ContextualTokenEmbeddingTransformer)),
            s.Normalize, s.IncludeSpecialTokens, s.Tokens, s.Starts, s.Lengths);
    }

    /// <summary>Releases the encoder (after rows being encoded on other threads are done).</summary>
    public void Dispose() => _encoder.Dispose();

    internal sealed record TokenVectors(float[] Vectors, string[] Tokens, int[] Starts, int[] Lengths);

    private void Embed(ReadOnlySpan<string> texts, Span<TokenVectors> results)
    {
        using var use = _encoder.Enter();
        var tok = _encoder.Tokens;
        var inputs = new EncodedText[texts.Length];
        for (int i = 0; i < texts.Length; i++)
            inputs[i] = tok.Encode(texts[i]);
        var output = new TokenVectors[texts.Length];
        float[] buffer = null;
        tok.Run(inputs, _encoder.Layers, (i, states) =>
        {
            var input = inputs[i];
            var mixed = LayerMixer.Mix(states, _encoder.Coefficients, ref buffer);
            int d = states.Dimension;
            var keep = Enumerable.Range(0, input.Length).Where(t => IncludeSpecialTokens || !input.IsSpecial(t)).ToArray();
            var vectors = new float[keep.Length * d];
            for (int k = 0; k < keep.Length; k++)
            {
                var v = vectors.AsSpan(k * d, d);
                mixed.Slice(keep[k] * d, d).CopyTo(v);
                if (Normalize)
                    TokenPooling.Normalize(v);
            }
            output[i] = new TokenVectors(vectors, keep.Select(t => input.Tokens[t]).ToArray(),
                keep.Select(t => input.Starts[t]).ToArray(), keep.Select(t => input.Lengths[t]).ToArray());
        });
        output.CopyTo(results);
    }

    private sealed class Mapper : ColumnMapper<string, TokenVectors>
    {
        private readonly ContextualTokenEmbeddingTransformer _parent;
        private readonly int _input;

        public Mapper(ContextualTokenEmbeddingTransformer parent, DataViewSchema inputSchema) : base(inputSchema)
        {
            _parent = parent;
            _input = SchemaChecks.RequireText(inputSchema, parent.InputColumnName).Index;
            OutputColumns =
            [
                new(parent.OutputColumnName, new VectorDataViewType(NumberDataViewType.Single)),
                new(parent.TokensColumnName, new VectorDataViewType(TextDataViewType.Instance)),
                new(parent.StartsColumnName, new VectorDataViewType(NumberDataViewType.Int32)),
                new(parent.LengthsColumnName, new VectorDataViewType(NumberDataViewType.Int32)),
            ];
        }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns { get; }
        public override IReadOnlyList<int> Dependencies => [_input];
        public override int BatchSize => _parent._encoder.Lookahead;

        public override Func<string> CreateInputReader(DataViewRow row) => SchemaChecks.TextReader(row, _input);

        public override void Map(ReadOnlySpan<string> inputs, Span<TokenVectors> results) => _parent.Embed(inputs, results);

        public override Delegate CreateOutputGetter(int index, Func<TokenVectors> current) => index switch
        {
            0 => VectorGetters.Floats(() => current().Vectors),
            1 => VectorGetters.Texts(() => current().Tokens),
            2 => VectorGetters.Ints(() => current().Starts),
            _ => VectorGetters.Ints(() => current().Lengths),
        };
    }
}

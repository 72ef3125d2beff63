using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>
/// A text column to one vector per row (<c>Vector&lt;Single, dimension&gt;</c>) through a <see cref="SentenceEmbedder"/>,
/// in batches of the encoder's lookahead: the mapper of every transformer that applies one
/// (<see cref="ContextualEmbeddingTransformer"/>, the Universal Sentence Encoder's transformer).
/// </summary>
internal sealed class SentenceVectorMapper : ColumnMapper<string, float[]>
{
    private readonly SentenceEmbedder _embedder;
    private readonly int _input;

    public SentenceVectorMapper(SentenceEmbedder embedder, DataViewSchema inputSchema, string inputColumnName, string outputColumnName)
        : base(inputSchema)
    {
        _embedder = embedder;
        _input = SchemaChecks.RequireText(inputSchema, inputColumnName).Index;
        OutputColumns = [new(outputColumnName, new VectorDataViewType(NumberDataViewType.Single, embedder.Dimension))];
    }

    public override IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns { get; }
    public override IReadOnlyList<int> Dependencies => [_input];
    public override int BatchSize => _embedder.Encoder.Lookahead;

    public override Func<string> CreateInputReader(DataViewRow row) => SchemaChecks.TextReader(row, _input);

    public override void Map(ReadOnlySpan<string> inputs, Span<float[]> results) => _embedder.Embed(inputs, results);

    public override Delegate CreateOutputGetter(int index, Func<float[]> current) => VectorGetters.Floats(current);
}

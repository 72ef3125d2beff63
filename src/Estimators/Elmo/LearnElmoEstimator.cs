using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>
/// Pre-trains an ELMo biLM on a text column during <see cref="Fit"/> (see <see cref="LearnElmoOptions"/>) and returns
/// the embedding transform over it: an <see cref="ContextualEmbeddingTransformer"/> whose <see cref="ContextualEmbeddingTransformer.Encoder"/>
/// is the learned <see cref="ElmoEncoder"/>, ready for the other transforms, the classification trainer, or
/// <see cref="ElmoEncoder.SavePublished"/>. Fit reads the column twice (vocabulary, then the token streams).
/// </summary>
public sealed class LearnElmoEstimator : IEstimator<ContextualEmbeddingTransformer>
{
    private readonly LearnElmoOptions _options;
    internal LearnElmoEstimator(LearnElmoOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>Progress of every epoch of the last <see cref="Fit"/> (train and validation perplexity, tokens per second).</summary>
    public IReadOnlyList<ElmoTrainingProgress> LastTrainingEpochs { get; private set; } = [];

    /// <inheritdoc />
    public ContextualEmbeddingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = _options;
        var column = SchemaChecks.RequireText(input.Schema, o.InputColumnName);
        var tokenizer = new ElmoTokenizer(o.WhitespaceOnly);
        var train = ReadTokens(input, column, tokenizer, o.CancellationToken);
        if (train.Count == 0)
            throw new ArgumentOutOfRangeException(nameof(input), $"Column '{o.InputColumnName}' has no words to learn from (every row is empty).");
        List<IReadOnlyList<string>> validation = null;
        if (o.ValidationSet != null)
        {
            string name = o.ValidationColumnName ?? o.InputColumnName;
            validation = ReadTokens(o.ValidationSet, SchemaChecks.RequireText(o.ValidationSet.Schema, name), tokenizer, o.CancellationToken);
        }
        var (model, epochs) = ElmoPretrainer.Train(o, train, validation, o.Seed);
        ElmoEncoder encoder;
        using (model)
            encoder = ElmoEncoder.FromModel("elmo-" + o.InputColumnName, model, o.WhitespaceOnly);
        LastTrainingEpochs = epochs;
        var e = o.Embedding;
        var embedding = e == null
            ? new ContextualEmbeddingOptions { Layers = LayerSelection.All() }
            : new ContextualEmbeddingOptions
            {
                Pooling = e.Pooling, Normalize = e.Normalize, LongText = e.LongText, WindowOverlap = e.WindowOverlap,
                TokensColumnName = e.TokensColumnName, MaxTokens = e.MaxTokens, BatchSize = e.BatchSize,
                ReadAheadBatches = e.ReadAheadBatches, Layers = e.Layers, IntraOpThreads = e.IntraOpThreads,
                SelfContainedZip = e.SelfContainedZip,
            };
        embedding.Encoder = encoder;
        return new ContextualEmbeddingEstimator(o.OutputColumnName, o.InputColumnName, embedding).Fit(input);
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        SchemaChecks.RequireText(inputSchema, _options.InputColumnName);
        return SchemaShapes.With(inputSchema, SchemaShapes.Vector(_options.OutputColumnName, NumberDataViewType.Single, knownSize: true));
    }

    private static List<IReadOnlyList<string>> ReadTokens(IDataView data, DataViewSchema.Column column, ElmoTokenizer tokenizer, CancellationToken cancel)
    {
        var result = new List<IReadOnlyList<string>>();
        using var cursor = data.GetRowCursor([column]);
        var read = SchemaChecks.TextReader(cursor, column.Index);
        while (cursor.MoveNext())
        {
            cancel.ThrowIfCancellationRequested();
            var words = tokenizer.Split(read() ?? string.Empty);
            if (words.Count > 0)
                result.Add(words.Select(w => w.Text).ToArray());
        }
        return result;
    }
}

using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>
/// Trains context2vec on a text column during <see cref="Fit"/> (see <see cref="LearnContext2VecOptions"/>) and returns
/// the token transform over it: a <see cref="ContextualTokenEmbeddingTransformer"/> giving each word's context vector,
/// whose <see cref="ContextualTokenEmbeddingTransformer.Encoder"/> is the learned <see cref="Context2VecEncoder"/> (for the
/// other transforms, <see cref="ContextualEmbeddingGenerator"/>, and lexical substitution:
/// <see cref="Context2VecEncoder.Substitutes"/>). Fit reads the column once; null or empty rows are skipped.
/// </summary>
public sealed class LearnContext2VecEstimator : IEstimator<ContextualTokenEmbeddingTransformer>
{
    private readonly LearnContext2VecOptions _options;

    internal LearnContext2VecEstimator(LearnContext2VecOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>Progress of every epoch of the last <see cref="Fit"/> (train and validation loss, words per second).</summary>
    public IReadOnlyList<Context2VecTrainingProgress> LastTrainingEpochs { get; private set; } = [];

    /// <summary>The epoch whose weights the last <see cref="Fit"/> kept (1-based): the one with the lowest validation loss
    /// under <see cref="LearnContext2VecOptions.KeepBestEpoch"/>, else the last; 0 before any Fit.</summary>
    public int LastKeptEpoch { get; private set; }

    /// <inheritdoc />
    public ContextualTokenEmbeddingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = _options;
        var column = SchemaChecks.RequireText(input.Schema, o.InputColumnName);
        DataViewSchema.Column? validColumn = null;
        if (o.ValidationSet != null)
            validColumn = SchemaChecks.RequireText(o.ValidationSet.Schema, o.ValidationColumnName ?? o.InputColumnName, nameof(o.ValidationSet));
        var splitter = new Context2VecTokenizer(null, o.LowerCase, o.WhitespaceOnly);
        var train = ReadWords(input, column, splitter, o.CancellationToken);
        if (train.Count == 0)
            throw new ArgumentOutOfRangeException(nameof(input), $"Column '{o.InputColumnName}' has no words to learn from (every row is empty).");
        var validation = validColumn is { } v ? ReadWords(o.ValidationSet, v, splitter, o.CancellationToken) : null;
        var (encoder, epochs, kept) = Context2VecTrainer.Train(o, "context2vec-" + o.InputColumnName, train, validation);
        LastTrainingEpochs = epochs;
        LastKeptEpoch = kept;
        var options = TokenOptions(o.Embedding);
        options.Encoder = encoder;
        return new ContextualTokenEmbeddingEstimator(o.OutputColumnName, o.InputColumnName, options).Fit(input);
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        SchemaChecks.RequireText(inputSchema, _options.InputColumnName);
        var e = _options.Embedding;
        string output = _options.OutputColumnName;
        return SchemaShapes.With(inputSchema,
            SchemaShapes.Vector(output, NumberDataViewType.Single, knownSize: false),
            SchemaShapes.Vector(e?.TokensColumnName ?? output + "Tokens", TextDataViewType.Instance, knownSize: false),
            SchemaShapes.Vector(e?.StartsColumnName ?? output + "Starts", NumberDataViewType.Int32, knownSize: false),
            SchemaShapes.Vector(e?.LengthsColumnName ?? output + "Lengths", NumberDataViewType.Int32, knownSize: false));
    }

    private static ContextualTokenEmbeddingOptions TokenOptions(ContextualTokenEmbeddingOptions e) => e == null ? new() : new()
    {
        Normalize = e.Normalize, IncludeSpecialTokens = e.IncludeSpecialTokens, TokensColumnName = e.TokensColumnName,
        StartsColumnName = e.StartsColumnName, LengthsColumnName = e.LengthsColumnName, MaxTokens = e.MaxTokens, BatchSize = e.BatchSize,
        ReadAheadBatches = e.ReadAheadBatches, IntraOpThreads = e.IntraOpThreads, SelfContainedZip = e.SelfContainedZip,
    };

    private static List<string[]> ReadWords(IDataView data, DataViewSchema.Column column, Context2VecTokenizer splitter, CancellationToken cancel)
    {
        var result = new List<string[]>();
        using var cursor = data.GetRowCursor([column]);
        var read = SchemaChecks.TextReader(cursor, column.Index);
        while (cursor.MoveNext())
        {
            cancel.ThrowIfCancellationRequested();
            var words = splitter.Words(read());
            if (words.Length > 0)
                result.Add(words);
        }
        return result;
    }
}

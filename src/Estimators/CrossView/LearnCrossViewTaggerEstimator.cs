using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>
/// Trains a sequence tagger by Cross-View Training during <see cref="Fit"/> (see <see cref="LearnCrossViewTaggerOptions"/>)
/// and returns a <see cref="CrossViewTaggerTransformer"/>, which tags the tokens of any text; its
/// <see cref="CrossViewTaggerTransformer.Encoder"/> is the learned <see cref="CrossViewEncoder"/> for the token
/// transforms. Fit reads the labelled rows (tokens and tags; rows without tokens are skipped), the optional unlabelled
/// and validation rows, once each.
/// </summary>
public sealed class LearnCrossViewTaggerEstimator : IEstimator<CrossViewTaggerTransformer>
{
    private readonly LearnCrossViewTaggerOptions _options;

    internal LearnCrossViewTaggerEstimator(LearnCrossViewTaggerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>Progress of every epoch of the last <see cref="Fit"/> (losses, validation accuracy and F1, speed).</summary>
    public IReadOnlyList<CrossViewTrainingProgress> LastTrainingEpochs { get; private set; } = [];

    /// <summary>The epoch whose weights the last <see cref="Fit"/> kept (1-based): the best on the validation set under
    /// <see cref="LearnCrossViewTaggerOptions.KeepBestEpoch"/>, else the last; 0 before any Fit.</summary>
    public int LastKeptEpoch { get; private set; }

    /// <inheritdoc />
    public CrossViewTaggerTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = _options;
        var labelled = CrossViewColumns.ReadLabelled(input, o.InputColumnName, o.TagsColumnName, null, o.CancellationToken);
        if (labelled.Count == 0)
            throw new ArgumentOutOfRangeException(nameof(input), $"Column '{o.InputColumnName}' has no tokens to learn from (every row is empty).");
        List<string[]> unlabelled = null;
        if (o.UnlabelledSet != null && !o.SupervisedOnly)
            unlabelled = CrossViewColumns.ReadTokens(o.UnlabelledSet, o.UnlabelledColumnName ?? o.InputColumnName, nameof(o.UnlabelledSet), o.CancellationToken);
        var validation = o.ValidationSet == null ? null
            : CrossViewColumns.ReadLabelled(o.ValidationSet, o.InputColumnName, o.TagsColumnName, nameof(o.ValidationSet), o.CancellationToken);
        var (encoder, epochs, kept) = CrossViewTrainer.Train(o, "cross-view-" + o.InputColumnName, labelled, unlabelled, validation);
        LastTrainingEpochs = epochs;
        LastKeptEpoch = kept;
        var transformer = new CrossViewTaggerTransformer(o.InputColumnName, o.OutputColumnName, o.TokensColumnName ?? o.OutputColumnName + "Tokens", encoder);
        transformer.GetOutputSchema(input.Schema);   // the token column must suit the transformer too
        return transformer;
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        CrossViewColumns.Require(inputSchema, _options.InputColumnName);
        CrossViewColumns.Require(inputSchema, _options.TagsColumnName);
        string output = _options.OutputColumnName;
        return SchemaShapes.With(inputSchema,
            SchemaShapes.Vector(output, TextDataViewType.Instance, knownSize: false),
            SchemaShapes.Vector(_options.TokensColumnName ?? output + "Tokens", TextDataViewType.Instance, knownSize: false));
    }
}

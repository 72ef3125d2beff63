using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>
/// Trains CoVe's translation model on English–German pairs during <see cref="Fit"/> (see <see cref="LearnCoveOptions"/>)
/// and returns the embedding transform over its encoder: a <see cref="ContextualEmbeddingTransformer"/> whose
/// <see cref="ContextualEmbeddingTransformer.Encoder"/> is the learned <see cref="CoveEncoder"/> (the decoder is
/// discarded), ready for the other transforms and trainers, or <see cref="CoveEncoder.SavePyTorch"/>.
/// </summary>
public sealed class LearnCoveEstimator : IEstimator<ContextualEmbeddingTransformer>
{
    private readonly LearnCoveOptions _options;

    internal LearnCoveEstimator(LearnCoveOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>Progress of every epoch of the last <see cref="Fit"/> (training loss, validation perplexity).</summary>
    public IReadOnlyList<CoveTrainingProgress> LastTrainingEpochs { get; private set; } = [];

    /// <inheritdoc />
    public ContextualEmbeddingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = _options;
        var source = SchemaChecks.RequireText(input.Schema, o.InputColumnName);
        var target = SchemaChecks.RequireText(input.Schema, o.TargetColumnName);
        var tokenizer = new CoveTokenizer(o.Glove, o.LowerCase);
        var trainWords = ReadPairs(input, source, target, tokenizer, o);
        if (trainWords.Count == 0)
            throw new ArgumentOutOfRangeException(nameof(input), $"Columns '{o.InputColumnName}' and '{o.TargetColumnName}' have no pair with words on both sides to learn from.");
        var vocabulary = CoveTargetVocabulary.Build(trainWords.Select(p => p.German), o.TargetVocabularySize, o.MinCount);
        List<(int[], string[])> validationWords = null;
        if (o.ValidationSet != null)
        {
            var schema = o.ValidationSet.Schema;
            validationWords = ReadPairs(o.ValidationSet, SchemaChecks.RequireText(schema, o.ValidationInputColumnName ?? o.InputColumnName),
                SchemaChecks.RequireText(schema, o.ValidationTargetColumnName ?? o.TargetColumnName), tokenizer, o);
        }
        CovePair ToPair((int[] English, string[] German) p) =>
            new(p.English, [CoveTargetVocabulary.Bos, .. p.German.Select(vocabulary.Id), CoveTargetVocabulary.Eos]);
        var (weights, epochs) = CoveTranslationTrainer.Train(o, trainWords.Select(ToPair).ToList(), validationWords?.Select(ToPair).ToList(), vocabulary.Count);
        LastTrainingEpochs = epochs;
        var encoder = new CoveEncoder("cove-" + o.InputColumnName, o.Glove, weights, o.LowerCase, o.IncludeGlove, o.ConcatenateLayers);
        var e = o.Embedding;
        var embedding = e == null
            ? new ContextualEmbeddingOptions()
            : new ContextualEmbeddingOptions
            {
                Pooling = e.Pooling, Normalize = e.Normalize, LongText = e.LongText, WindowOverlap = e.WindowOverlap,
                MaxTokens = e.MaxTokens, BatchSize = e.BatchSize,
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
        SchemaChecks.RequireText(inputSchema, _options.TargetColumnName);
        return SchemaShapes.With(inputSchema, SchemaShapes.Vector(_options.OutputColumnName, NumberDataViewType.Single, knownSize: true));
    }

    /// <summary>Pairs with words on both sides, each side cut to MaxLength: English GloVe rows, German words (lower-cased with LowerCase).</summary>
    private static List<(int[] English, string[] German)> ReadPairs(IDataView data, DataViewSchema.Column source, DataViewSchema.Column target,
        CoveTokenizer tokenizer, LearnCoveOptions o)
    {
        var result = new List<(int[], string[])>();
        using var cursor = data.GetRowCursor([source, target]);
        var readSource = SchemaChecks.TextReader(cursor, source.Index);
        var readTarget = SchemaChecks.TextReader(cursor, target.Index);
        while (cursor.MoveNext())
        {
            o.CancellationToken.ThrowIfCancellationRequested();
            var en = tokenizer.Split(readSource() ?? string.Empty);
            var de = tokenizer.Split(readTarget() ?? string.Empty);
            if (en.Count == 0 || de.Count == 0)
                continue;
            result.Add((en.Take(o.MaxLength).Select(t => t.Id).ToArray(),
                de.Take(o.MaxLength).Select(t => o.LowerCase ? t.Text.ToLowerInvariant() : t.Text).ToArray()));
        }
        return result;
    }
}

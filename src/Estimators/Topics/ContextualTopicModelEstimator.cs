using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>
/// Learns a contextualized topic model (Bianchi et al. 2021; MilaNLProc/contextualized-topic-models) during
/// <see cref="Fit"/>: a ProdLDA variational autoencoder whose inference network reads a sentence embedding
/// (<see cref="ContextualTopicModelVariant.ZeroShot"/>) or the bag of words together with the embedding
/// (<see cref="ContextualTopicModelVariant.Combined"/>), and reconstructs the bag of words.
/// </summary>
/// <remarks>
/// <para>Fit reads the data twice: once, the text column only, to build the vocabulary (preprocessing as the reference's
/// <c>WhiteSpacePreprocessingStopwords</c>: lowercase, accents, punctuation and digits removed, stop words, document
/// frequency limits, the most frequent <see cref="ContextualTopicModelOptions.MaximumVocabularySize"/> words); then the
/// text and embedding columns, keeping each document's sparse word counts and its embedding for the epochs. Documents
/// with no vocabulary word are left out of training, as the reference's preprocessing drops them (their number is in
/// <see cref="ContextualTopicModelTransformer.TrainingSummary"/>); the transformer still gives them proportions.</para>
/// <para>Training: Adam on the summed negative ELBO of each batch (reconstruction −Σ n_w log p_w plus the KL divergence
/// from the logistic-normal prior), shuffled batches, the last partial batch dropped; with a validation fraction, early
/// stopping on the validation loss and the best epoch's weights kept.</para>
/// <para>Output: <c>Vector&lt;Single, K&gt;</c> topic proportions (see <see cref="ContextualTopicModelTransformer"/>).</para>
/// </remarks>
public sealed class ContextualTopicModelEstimator : IEstimator<ContextualTopicModelTransformer>
{
    private readonly CatalogEnvironment _env;
    private readonly ContextualTopicModelOptions _options;

    internal ContextualTopicModelEstimator(CatalogEnvironment env, ContextualTopicModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _env = env;
        _options = options;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException">A column is missing, the text column is not String, or the embedding
    /// column is not a known-size vector of Single.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var o = _options;
        SchemaChecks.RequireText(inputSchema, o.TextColumnName);
        SchemaChecks.Require(inputSchema, o.EmbeddingColumnName, "a known-size Vector<Single> (e.g. from ApplyContextualEmbedding)",
            c => c.Kind == SchemaShape.Column.VectorKind.Vector && c.ItemType == NumberDataViewType.Single);
        return SchemaShapes.With(inputSchema, SchemaShapes.Vector(o.OutputColumnName, NumberDataViewType.Single, knownSize: true));
    }

    /// <summary>Builds the vocabulary and trains on <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type.</exception>
    /// <exception cref="InvalidOperationException">The vocabulary is empty after preprocessing, or fewer than 2 documents have a vocabulary word.</exception>
    /// <exception cref="OperationCanceledException"><see cref="ContextualTopicModelOptions.CancellationToken"/> was cancelled.</exception>
    public ContextualTopicModelTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = _options;
        var (textColumn, embeddingColumn) = ContextualTopicModelTransformer.RequireInputs(input.Schema, o.TextColumnName, o.EmbeddingColumnName, 0);
        int embeddingSize = ((VectorDataViewType)embeddingColumn.Type).Size;
        var clock = Stopwatch.StartNew();
        using var log = _env?.OpenLog(nameof(ContextualTopicModelEstimator));
        var processor = new TopicTextProcessor(o.StopWords, o.RemoveNumbers);

        var (counts, documents) = CountWords(input, textColumn, processor, o.CancellationToken);
        var vocabulary = TopicVocabulary.Select(counts, documents, o.MinimumDocumentFrequency, o.MaximumDocumentFraction, o.MaximumVocabularySize);
        if (vocabulary.Count == 0)
            throw new InvalidOperationException(EmptyVocabularyMessage(counts.Count, documents));
        log?.Info($"Vocabulary: {vocabulary.Count} words kept of {counts.Count} distinct words in {documents} documents.");

        var (rows, empty) = ReadDocuments(input, textColumn, embeddingColumn, embeddingSize, processor, vocabulary, o.CancellationToken);
        if (rows.Count < 2)
            throw new InvalidOperationException(
                $"Only {rows.Count} of {documents} documents contain a vocabulary word; training needs at least 2.");
        if (empty > 0)
            log?.Info($"{empty} of {documents} documents have no vocabulary word after preprocessing; they are left out of training.");

        int seed = o.Seed ?? _env?.Seed ?? Random.Shared.Next();
        var config = TopicModelConfig.From(o, embeddingSize, vocabulary.Count);
        var result = new ProdLdaTrainer(o, config, seed, log).Train(rows);
        var transformer = new ContextualTopicModelTransformer(config, vocabulary, result.Weights);
        transformer.TrainingSummary = new ContextualTopicModelSummary(documents, empty, result.TrainingDocuments, result.ValidationDocuments,
            result.EpochsRun, result.KeptEpoch, clock.Elapsed.TotalSeconds, result.Losses, result.ValidationLosses);
        return transformer;
    }

    private string EmptyVocabularyMessage(int distinct, int documents)
    {
        var o = _options;
        string preprocessing = $"StopWords ({o.StopWords?.Count ?? 0} words), RemoveNumbers = {o.RemoveNumbers} and the minimum word length of 2";
        if (documents == 0)
            return $"The vocabulary is empty: the training data has no rows in column '{o.TextColumnName}'.";
        if (distinct == 0)
            return $"The vocabulary is empty: no word of the {documents} documents in column '{o.TextColumnName}' is left after {preprocessing}.";
        return $"The vocabulary is empty: all {distinct} distinct words left after {preprocessing} were dropped by " +
               $"MinimumDocumentFrequency = {o.MinimumDocumentFrequency} and MaximumDocumentFraction = {o.MaximumDocumentFraction} " +
               $"({documents} documents).";
    }

    /// <summary>First pass: total count and document frequency of every word.</summary>
    private static (Dictionary<string, (long Count, int Documents)> Counts, int Documents) CountWords(IDataView input,
        DataViewSchema.Column text, TopicTextProcessor processor, CancellationToken cancel)
    {
        var counts = new Dictionary<string, (long Count, int Documents)>(StringComparer.Ordinal);
        int documents = 0;
        using var cursor = input.GetRowCursor([text]);
        var read = SchemaChecks.TextReader(cursor, text.Index);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (cursor.MoveNext())
        {
            if ((documents & 255) == 0)
                cancel.ThrowIfCancellationRequested();
            documents++;
            seen.Clear();
            foreach (string w in processor.Words(read()))
            {
                var c = counts.GetValueOrDefault(w);
                counts[w] = (c.Count + 1, seen.Add(w) ? c.Documents + 1 : c.Documents);
            }
        }
        return (counts, documents);
    }

    /// <summary>Second pass: each document's sparse counts and embedding; documents without a vocabulary word are counted, not kept.</summary>
    private static (List<TopicDocument> Rows, int Empty) ReadDocuments(IDataView input, DataViewSchema.Column text, DataViewSchema.Column embedding,
        int size, TopicTextProcessor processor, TopicVocabulary vocabulary, CancellationToken cancel)
    {
        var rows = new List<TopicDocument>();
        int empty = 0;
        using var cursor = input.GetRowCursor([text, embedding]);
        var readText = SchemaChecks.TextReader(cursor, text.Index);
        var getter = cursor.GetGetter<VBuffer<float>>(embedding);
        var buffer = default(VBuffer<float>);
        long n = 0;
        while (cursor.MoveNext())
        {
            if ((n++ & 63) == 0)
                cancel.ThrowIfCancellationRequested();
            var bow = vocabulary.Bag(processor.Words(readText()));
            if (bow.IsEmpty)
            {
                empty++;
                continue;
            }
            getter(ref buffer);
            var dense = new float[size];
            buffer.CopyTo(dense);
            rows.Add(new TopicDocument(bow, dense));
        }
        return (rows, empty);
    }
}

/// <summary>A training document: its word counts and its embedding.</summary>
internal readonly record struct TopicDocument(BagOfWords Bow, float[] Embedding);

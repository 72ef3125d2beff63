using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>
/// A fitted contextualized topic model (CombinedTM or ZeroShotTM; see <see cref="ContextualTopicModelEstimator"/>).
/// Appends the topic proportions of each document, <c>Vector&lt;Single, K&gt;</c> (non-negative, summing to 1), computed
/// from the text column (its bag of words over <see cref="Vocabulary"/>; CombinedTM only) and the embedding column.
/// </summary>
/// <remarks>
/// The proportions are the mean of softmax(μ + σ·ε) over <see cref="InferenceSamples"/> draws, as the reference's
/// <c>get_doc_topic_distribution</c>; the draws are seeded by the document's own input, so the output is deterministic
/// and a row gets the same vector in a batch, through a PredictionEngine and after a reload. With 0 samples the output
/// is softmax(μ). A document without any vocabulary word still gets proportions: ZeroShotTM reads only its embedding,
/// CombinedTM reads its embedding and an all-zero bag of words. The inference network runs in managed code (no libtorch
/// is needed to predict). The zip holds the configuration (JSON), the vocabulary and the weights.
/// </remarks>
public sealed class ContextualTopicModelTransformer : ContextualTransformerBase
{
    private const string ConfigEntry = "ContextualTopicModel.config.json";
    private const string VocabularyEntry = "ContextualTopicModel.vocabulary.txt";
    private const string WeightsEntry = "ContextualTopicModel.weights.bin";

    private readonly TopicModelConfig _config;
    private readonly TopicVocabulary _vocabulary;
    private readonly TopicNetworkWeights _weights;
    private readonly TopicTextProcessor _processor;

    internal ContextualTopicModelTransformer(TopicModelConfig config, TopicVocabulary vocabulary, TopicNetworkWeights weights)
    {
        _config = config;
        _vocabulary = vocabulary;
        _weights = weights;
        _processor = new TopicTextProcessor([], config.RemoveNumbers);   // stop words cannot be in the vocabulary anyway
    }

    /// <summary>The topic-proportion column created.</summary>
    public string OutputColumnName => _config.OutputColumnName;
    /// <summary>The text column read (for the bag of words).</summary>
    public string TextColumnName => _config.TextColumnName;
    /// <summary>The embedding column read.</summary>
    public string EmbeddingColumnName => _config.EmbeddingColumnName;
    /// <summary>CombinedTM or ZeroShotTM.</summary>
    public ContextualTopicModelVariant Variant => _config.Variant;
    /// <summary>K, the length of the output vector.</summary>
    public int NumberOfTopics => _config.Topics;
    /// <summary>Length of the embeddings the model was trained on.</summary>
    public int EmbeddingSize => _config.EmbeddingSize;
    /// <summary>θ draws averaged per document (0: softmax(μ)).</summary>
    public int InferenceSamples => _config.InferenceSamples;
    /// <summary>The words of the bag of words, in column order.</summary>
    public IReadOnlyList<string> Vocabulary => _vocabulary.Words;
    /// <summary>What Fit did; null for a model loaded from a file.</summary>
    public ContextualTopicModelSummary TrainingSummary { get; internal set; }

    /// <summary>
    /// The <paramref name="count"/> words of highest weight in each topic, best first, with their probability under the
    /// topic's word distribution softmax(β_k) (the reference's <c>get_topic_word_distribution</c>; its
    /// <c>get_topic_lists</c> ranks by β, which is the same order). Ties keep vocabulary order.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<(string Word, float Weight)>> GetTopWords(int count = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        int v = _vocabulary.Count;
        var topics = new List<IReadOnlyList<(string, float)>>(NumberOfTopics);
        for (int k = 0; k < NumberOfTopics; k++)
        {
            var beta = _weights.Beta.AsSpan(k * v, v).ToArray();
            double max = beta.Max(), total = 0;
            foreach (float b in beta) total += Math.Exp(b - max);
            var ranked = Enumerable.Range(0, v).OrderByDescending(i => beta[i]).ThenBy(i => i).Take(count)
                .Select(i => (Index: i, Beta: beta[i]));
            topics.Add(ranked.Select(p => (_vocabulary.Words[p.Index], (float)(Math.Exp(p.Beta - max) / total))).ToList());
        }
        return topics;
    }

    /// <summary>The topic proportions of one document (what the output column holds).</summary>
    internal float[] Infer(string text, ReadOnlySpan<float> embedding) => Infer(Count(text), embedding);

    internal BagOfWords Count(string text) => _vocabulary.Bag(_processor.Words(text));

    internal float[] Infer(BagOfWords bow, ReadOnlySpan<float> embedding)
    {
        var (mu, logVar) = _weights.Posterior(bow, embedding);
        return TopicSampler.Proportions(mu, logVar, _config.InferenceSamples,
            TopicSampler.SeedOf(bow, embedding, _config.InferenceSeed));
    }

    /// <summary>The input checks shared with the estimator, in ML.NET's wording.</summary>
    internal static (DataViewSchema.Column Text, DataViewSchema.Column Embedding) RequireInputs(DataViewSchema schema,
        string text, string embedding, int expectedSize)
    {
        var t = SchemaChecks.RequireText(schema, text);
        string expected = expectedSize > 0 ? $"Vector<Single, {expectedSize}>" : "a known-size Vector<Single> (e.g. from ApplyContextualEmbedding)";
        var e = SchemaChecks.Require(schema, embedding, expected, type => type is VectorDataViewType { ItemType: NumberDataViewType n } v
            && n == NumberDataViewType.Single && v.IsKnownSize && (expectedSize <= 0 || v.Size == expectedSize));
        return (t, e);
    }

    internal override ColumnMapper CreateMapper(DataViewSchema inputSchema) => new Mapper(this, inputSchema);

    internal override int FormatVersion => 1;

    internal override void SaveModel(ModelWriter writer)
    {
        writer.WriteBlob(ConfigEntry, w => w.Write(_config.ToJson()));
        writer.WriteBlob(VocabularyEntry, w => w.Write(Encoding.UTF8.GetBytes(string.Join('\n', _vocabulary.Words))));
        writer.WriteBlob(WeightsEntry, w => _weights.Write(w));
    }

    internal static ContextualTopicModelTransformer LoadModel(ModelReader reader)
    {
        if (reader.FormatVersion != 1)
            throw new InvalidDataException($"This topic model has format {reader.FormatVersion}; this version of MLNetContextual reads format 1. Update the package.");
        var config = TopicModelConfig.FromJson(reader.ReadBlobBytes(ConfigEntry));
        var words = Encoding.UTF8.GetString(reader.ReadBlobBytes(VocabularyEntry)).Split('\n');
        if (words.Length != config.VocabularySize)
            throw new InvalidDataException($"The saved topic model has {words.Length} vocabulary words; its configuration says {config.VocabularySize}.");
        TopicNetworkWeights weights = null;
        reader.ReadBlob(WeightsEntry, r => weights = TopicNetworkWeights.Read(config, r));
        return new ContextualTopicModelTransformer(config, new TopicVocabulary(words), weights);
    }

    private sealed class Mapper : ColumnMapper<(BagOfWords Bow, float[] Embedding), float[]>
    {
        private readonly ContextualTopicModelTransformer _parent;
        private readonly DataViewSchema.Column _text, _embedding;
        private readonly DataViewSchema.DetachedColumn[] _outputs;

        public Mapper(ContextualTopicModelTransformer parent, DataViewSchema inputSchema) : base(inputSchema)
        {
            _parent = parent;
            (_text, _embedding) = RequireInputs(inputSchema, parent.TextColumnName, parent.EmbeddingColumnName, parent.EmbeddingSize);
            _outputs = [new(parent.OutputColumnName, new VectorDataViewType(NumberDataViewType.Single, parent.NumberOfTopics))];
        }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns => _outputs;

        public override IReadOnlyList<int> Dependencies => [_text.Index, _embedding.Index];

        public override int BatchSize => 64;

        public override Func<(BagOfWords, float[])> CreateInputReader(DataViewRow row)
        {
            var text = SchemaChecks.TextReader(row, _text.Index);
            var getter = row.GetGetter<VBuffer<float>>(_embedding);
            var buffer = default(VBuffer<float>);
            return () =>
            {
                getter(ref buffer);
                var dense = new float[_parent.EmbeddingSize];
                buffer.CopyTo(dense);
                return (_parent.Count(text()), dense);
            };
        }

        public override void Map(ReadOnlySpan<(BagOfWords Bow, float[] Embedding)> inputs, Span<float[]> results)
        {
            for (int i = 0; i < inputs.Length; i++)
                results[i] = _parent.Infer(inputs[i].Bow, inputs[i].Embedding);
        }

        public override Delegate CreateOutputGetter(int index, Func<float[]> current) => VectorGetters.Floats(current);
    }
}

[assembly: MLNetContextual.ContextualEncoderLoader(MLNetContextual.UseDanEncoder.KindId, typeof(MLNetContextual.UseDanEncoder.Loader))]

namespace MLNetContextual;

/// <summary>
/// The deep averaging network of the Universal Sentence Encoder (Cer et al. 2018): the embeddings of a text's words and
/// hashed word bigrams are averaged, then passed through a feed-forward network (tanh between layers) to one vector per
/// text. Linear in the text's length and run in plain managed code, so it embeds far faster than a Transformer. Trained
/// by <c>ml.Transforms.Text.LearnUniversalSentenceEncoder</c>; applied by the fitted transformer, by
/// <c>ApplyContextualEmbedding</c> (its own sentence vector) and by <see cref="ContextualEmbeddingGenerator"/>.
/// Compare its vectors with <see cref="UseSimilarity.Angular"/> or cosine.
/// </summary>
public sealed class UseDanEncoder : ContextualEncoder
{
    internal const string KindId = "use-dan";

    internal UseDanEncoder(string name, UseTokenizer tokenizer, UseDanWeights weights)
    {
        Name = name;
        Tokenizer = tokenizer;
        Weights = weights;
        if (weights.Rows != tokenizer.TokenRows + tokenizer.BigramBuckets)
            throw new InvalidDataException($"The DAN embedding table has {weights.Rows} rows; its vocabulary needs {tokenizer.TokenRows + tokenizer.BigramBuckets}.");
    }

    internal UseTokenizer Tokenizer { get; }
    internal UseDanWeights Weights { get; }

    /// <inheritdoc />
    public override string Kind => KindId;

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override EncoderCapabilities Capabilities => EncoderCapabilities.SentenceVectors;

    /// <summary>Length of its sentence vectors.</summary>
    public int Dimension => Weights.OutputDimension;

    /// <summary>Words in its vocabulary (besides the hashed out-of-vocabulary buckets).</summary>
    public int VocabularySize => Tokenizer.Words.Count;

    /// <inheritdoc />
    public override IEncoderSession Open(EncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(this);
        return new UseDanSession(this, options);
    }

    internal sealed record Config(string Name, bool LowerCase, int Words, int OovBuckets, int BigramBuckets, int EmbeddingDimension, int[] LayerSizes);

    /// <inheritdoc />
    protected internal override void Save(EncoderWriter writer)
    {
        writer.WriteConfig(new Config(Name, Tokenizer.LowerCase, Tokenizer.Words.Count, Tokenizer.OovBuckets, Tokenizer.BigramBuckets,
            Weights.EmbeddingDimension, Weights.LayerSizes));
        writer.WriteBlob("vocab.txt", Tokenizer.VocabularyBytes());
        writer.WriteBlob("weights.bin", Weights.Write);
    }

    /// <summary>Reads <see cref="UseDanEncoder"/>s back from zips.</summary>
    public sealed class Loader : IContextualEncoderLoader
    {
        /// <inheritdoc />
        public ContextualEncoder Load(EncoderReader reader)
        {
            reader.RequireFormatVersion(1, 1);
            var c = reader.ReadConfig<Config>();
            var words = UseTokenizer.ReadVocabulary(reader.ReadBlob("vocab.txt"));
            if (words.Count != c.Words)
                throw new InvalidDataException($"Encoder '{c.Name}' ({KindId}): vocab.txt holds {words.Count} words; its config says {c.Words}.");
            if (c.LayerSizes == null || c.LayerSizes.Length == 0 || c.EmbeddingDimension < 1)
                throw new InvalidDataException($"Encoder '{c.Name}' ({KindId}): its config has no layers or no embedding dimension.");
            var tokenizer = new UseTokenizer(words, c.LowerCase, c.OovBuckets, c.BigramBuckets);
            var weights = UseDanWeights.Read(reader.ReadBlob("weights.bin"), tokenizer.TokenRows + tokenizer.BigramBuckets, c.EmbeddingDimension, c.LayerSizes);
            return new UseDanEncoder(c.Name, tokenizer, weights);
        }
    }
}

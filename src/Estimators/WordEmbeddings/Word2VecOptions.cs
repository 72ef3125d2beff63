namespace MLNetContextual;

/// <summary>The two word2vec architectures.</summary>
public enum Word2VecModel
{
    /// <summary>Skip-gram: each word predicts the words around it (word2vec.c -cbow 0). Better for rare words and small corpora.</summary>
    SkipGram = 0,
    /// <summary>Continuous bag of words: the mean of the context vectors predicts the word (word2vec.c -cbow 1). Several times faster.</summary>
    Cbow = 1,
}

/// <summary>Settings of <c>LearnWord2Vec</c>; the defaults are word2vec.c's, except that skip-gram is the default model.</summary>
public sealed class Word2VecOptions
{
    /// <summary>Skip-gram or CBOW.</summary>
    public Word2VecModel Model { get; set; } = Word2VecModel.SkipGram;

    /// <summary>Floats per word vector (word2vec.c -size), 1 to <see cref="MaxDimension"/>.</summary>
    public int Dimension { get; set; } = 100;

    /// <summary>Largest distance between a word and its context words, 1 to 10,000; each position uses a random window 1..Window (word2vec.c -window).</summary>
    public int Window { get; set; } = 5;

    /// <summary>Noise words drawn per positive example from the unigram^0.75 distribution (word2vec.c -negative), 1 to 1,000.</summary>
    public int Negative { get; set; } = 5;

    /// <summary>Words seen fewer times are dropped from the vocabulary and from training (word2vec.c -min-count).</summary>
    public int MinCount { get; set; } = 5;

    /// <summary>Threshold for down-sampling frequent words; 0 turns it off (word2vec.c -sample).</summary>
    public double Sample { get; set; } = 1e-3;

    /// <summary>Passes over the corpus (word2vec.c -iter), 1 to 100,000.</summary>
    public int Epochs { get; set; } = 5;

    /// <summary>Starting learning rate, decayed linearly to 0.01 % of it; null: 0.025 for skip-gram, 0.05 for CBOW (word2vec.c -alpha).</summary>
    public double? LearningRate { get; set; }

    /// <summary>Training threads (lock-free, Hogwild updates as word2vec.c); null: one per core. Results are reproducible only with 1. At most <see cref="MaxThreads"/>.</summary>
    public int? NumberOfThreads { get; set; }

    /// <summary>How the fitted transformer pools a row's token vectors: mean (default), min/mean/max, or none (per-token vectors).</summary>
    public StaticEmbeddingPooling Pooling { get; set; } = StaticEmbeddingPooling.Mean;

    /// <summary>Seed of the random generators (initial vectors, windows, subsampling, noise words).</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Rows longer than this many (kept) words are cut into several sentences (word2vec.c MAX_SENTENCE_LENGTH), 1 to 1,000,000.</summary>
    public int MaxSentenceLength { get; set; } = 1000;

    /// <summary>The largest <see cref="Dimension"/> accepted (also GloVe's).</summary>
    public const int MaxDimension = 65_536;

    /// <summary>The largest <see cref="NumberOfThreads"/> accepted (also GloVe's).</summary>
    public const int MaxThreads = 1024;

    internal void Validate()
    {
        StaticWordEmbeddingOptions.CheckPooling(Pooling, nameof(Pooling));
        Check(Dimension is >= 1 and <= MaxDimension, nameof(Dimension), Dimension, $"from 1 to {MaxDimension}");
        Check(Window is >= 1 and <= 10_000, nameof(Window), Window, "from 1 to 10000");
        Check(Negative is >= 1 and <= 1_000, nameof(Negative), Negative, "from 1 to 1000 (only negative sampling is implemented)");
        Check(MinCount >= 1, nameof(MinCount), MinCount, "at least 1");
        Check(Sample >= 0 && double.IsFinite(Sample), nameof(Sample), Sample, "0 (off) or a finite positive number");
        Check(Epochs is >= 1 and <= 100_000, nameof(Epochs), Epochs, "from 1 to 100000");
        Check(LearningRate is null || (LearningRate > 0 && double.IsFinite(LearningRate.Value)), nameof(LearningRate), LearningRate, "a finite positive number");
        Check(NumberOfThreads is null or (>= 1 and <= MaxThreads), nameof(NumberOfThreads), NumberOfThreads, $"from 1 to {MaxThreads}");
        Check(MaxSentenceLength is >= 1 and <= 1_000_000, nameof(MaxSentenceLength), MaxSentenceLength, "from 1 to 1000000");
    }

    /// <summary>At <c>Fit</c>: the vocabulary's vectors must fit in one array.</summary>
    internal static void CheckTableSize(int vocabularySize, int dimension, long arrays = 1)
    {
        long floats = (long)vocabularySize * dimension * arrays;
        if (floats > 0x7FFFFFC7)
            throw new InvalidOperationException(
                $"{vocabularySize} words × Dimension {dimension}{(arrays > 1 ? $" × {arrays}" : "")} = {floats} floats exceeds one array (2147483591 floats); lower Dimension or raise MinCount.");
    }

    internal static void Check(bool ok, string name, object value, string expected)
    {
        if (!ok) throw new ArgumentOutOfRangeException(name, value, $"{name} is {value}; it must be {expected}.");
    }
}

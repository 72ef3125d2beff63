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

    /// <summary>Floats per word vector (word2vec.c -size).</summary>
    public int Dimension { get; set; } = 100;

    /// <summary>Largest distance between a word and its context words; each position uses a random window 1..Window (word2vec.c -window).</summary>
    public int Window { get; set; } = 5;

    /// <summary>Noise words drawn per positive example from the unigram^0.75 distribution (word2vec.c -negative).</summary>
    public int Negative { get; set; } = 5;

    /// <summary>Words seen fewer times are dropped from the vocabulary and from training (word2vec.c -min-count).</summary>
    public int MinCount { get; set; } = 5;

    /// <summary>Threshold for down-sampling frequent words; 0 turns it off (word2vec.c -sample).</summary>
    public double Sample { get; set; } = 1e-3;

    /// <summary>Passes over the corpus (word2vec.c -iter).</summary>
    public int Epochs { get; set; } = 5;

    /// <summary>Starting learning rate, decayed linearly to 0.01 % of it; null: 0.025 for skip-gram, 0.05 for CBOW (word2vec.c -alpha).</summary>
    public double? LearningRate { get; set; }

    /// <summary>Training threads (lock-free, Hogwild updates as word2vec.c); null: one per core. Results are reproducible only with 1.</summary>
    public int? NumberOfThreads { get; set; }

    /// <summary>How the fitted transformer pools a row's token vectors: mean (default), min/mean/max, or none (per-token vectors).</summary>
    public StaticEmbeddingPooling Pooling { get; set; } = StaticEmbeddingPooling.Mean;

    /// <summary>Seed of the random generators (initial vectors, windows, subsampling, noise words).</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Rows longer than this many (kept) words are cut into several sentences (word2vec.c MAX_SENTENCE_LENGTH).</summary>
    public int MaxSentenceLength { get; set; } = 1000;

    internal void Validate()
    {
        StaticWordEmbeddingOptions.CheckPooling(Pooling, nameof(Pooling));
        Check(Dimension >= 1, nameof(Dimension), Dimension, "at least 1");
        Check(Window >= 1, nameof(Window), Window, "at least 1");
        Check(Negative >= 1, nameof(Negative), Negative, "at least 1 (only negative sampling is implemented)");
        Check(MinCount >= 1, nameof(MinCount), MinCount, "at least 1");
        Check(Sample >= 0, nameof(Sample), Sample, "0 (off) or positive");
        Check(Epochs >= 1, nameof(Epochs), Epochs, "at least 1");
        Check(LearningRate is null or > 0, nameof(LearningRate), LearningRate, "positive");
        Check(NumberOfThreads is null or >= 1, nameof(NumberOfThreads), NumberOfThreads, "at least 1");
        Check(MaxSentenceLength >= 1, nameof(MaxSentenceLength), MaxSentenceLength, "at least 1");
    }

    internal static void Check(bool ok, string name, object value, string expected)
    {
        if (!ok) throw new ArgumentOutOfRangeException(name, value, $"{name} is {value}; it must be {expected}.");
    }
}

namespace MLNetContextual;

/// <summary>Settings of <c>LearnGloVe</c>; the defaults are those of the reference implementation (Stanford glove).</summary>
public sealed class GloVeOptions
{
    /// <summary>Floats per word vector (glove -vector-size), 1 to <see cref="Word2VecOptions.MaxDimension"/>.</summary>
    public int Dimension { get; set; } = 50;

    /// <summary>Context words counted on each side of a word, weighted 1/distance (cooccur -window-size), 1 to 10,000.</summary>
    public int Window { get; set; } = 15;

    /// <summary>Co-occurrence count at which the weighting function f(x) = (x / XMax)^Alpha reaches 1 (glove -x-max).</summary>
    public double XMax { get; set; } = 100;

    /// <summary>Exponent of the weighting function (glove -alpha).</summary>
    public double Alpha { get; set; } = 0.75;

    /// <summary>Passes over the co-occurrence pairs (glove -iter), 1 to 100,000.</summary>
    public int Epochs { get; set; } = 25;

    /// <summary>Initial AdaGrad learning rate (glove -eta).</summary>
    public double LearningRate { get; set; } = 0.05;

    /// <summary>Words seen fewer times are left out of the vocabulary and of the counts (vocab_count -min-count).</summary>
    public int MinCount { get; set; } = 5;

    /// <summary>Keep at most this many of the most frequent words; 0: no limit (vocab_count -max-vocab).</summary>
    public int MaxVocabularySize { get; set; }

    /// <summary>Count context on both sides (true) or only to the left (cooccur -symmetric).</summary>
    public bool Symmetric { get; set; } = true;

    /// <summary>Training threads (lock-free updates as the reference); null: one per core. Results are reproducible only with 1. At most <see cref="Word2VecOptions.MaxThreads"/>.</summary>
    public int? NumberOfThreads { get; set; }

    /// <summary>How the fitted transformer pools a row's token vectors: mean (default), min/mean/max, or none (per-token vectors).</summary>
    public StaticEmbeddingPooling Pooling { get; set; } = StaticEmbeddingPooling.Mean;

    /// <summary>
    /// Memory for the co-occurrence counts, in MB (cooccur and shuffle -memory): about half a dense table for the frequent
    /// pairs, half a hash table for the rest, which spills sorted runs to temporary files when full; the merged records
    /// (12 bytes per distinct pair) are then held in memory if they fit in this limit, and otherwise shuffled on disk and
    /// streamed from a temporary file on every epoch. Default 512; the vectors themselves (about 16 × V × (Dimension + 1)
    /// bytes) come on top. The counts, and so the vectors, do not depend on it as long as the records fit.
    /// </summary>
    public int MaxCooccurrenceMemoryMB { get; set; } = 512;

    /// <summary>Folder for the temporary files of the counts and the shuffle; null: the system's temporary folder. The files are deleted when Fit ends, however it ends.</summary>
    public string TemporaryDirectory { get; set; }

    /// <summary>Seed of the initial vectors and of the shuffle of the co-occurrence pairs.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Overrides <see cref="MaxCooccurrenceMemoryMB"/> in bytes: lets tests force spills on tiny corpora.</summary>
    internal long? MemoryLimitBytes { get; set; }

    internal long CooccurrenceMemoryBytes => MemoryLimitBytes ?? (long)MaxCooccurrenceMemoryMB << 20;

    internal void Validate()
    {
        StaticWordEmbeddingOptions.CheckPooling(Pooling, nameof(Pooling));
        Word2VecOptions.Check(Dimension is >= 1 and <= Word2VecOptions.MaxDimension, nameof(Dimension), Dimension, $"from 1 to {Word2VecOptions.MaxDimension}");
        Word2VecOptions.Check(Window is >= 1 and <= 10_000, nameof(Window), Window, "from 1 to 10000");
        Word2VecOptions.Check(XMax > 0 && double.IsFinite(XMax), nameof(XMax), XMax, "a finite positive number");
        Word2VecOptions.Check(Alpha > 0 && double.IsFinite(Alpha), nameof(Alpha), Alpha, "a finite positive number");
        Word2VecOptions.Check(Epochs is >= 1 and <= 100_000, nameof(Epochs), Epochs, "from 1 to 100000");
        Word2VecOptions.Check(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "a finite positive number");
        Word2VecOptions.Check(MinCount >= 1, nameof(MinCount), MinCount, "at least 1");
        Word2VecOptions.Check(MaxVocabularySize >= 0, nameof(MaxVocabularySize), MaxVocabularySize, "0 (no limit) or positive");
        Word2VecOptions.Check(MaxCooccurrenceMemoryMB is >= 1 and <= 1 << 20, nameof(MaxCooccurrenceMemoryMB), MaxCooccurrenceMemoryMB, "from 1 to 1048576 (1 TB)");
        Word2VecOptions.Check(TemporaryDirectory is null || Directory.Exists(TemporaryDirectory), nameof(TemporaryDirectory), TemporaryDirectory, "an existing folder or null");
        Word2VecOptions.Check(NumberOfThreads is null or (>= 1 and <= Word2VecOptions.MaxThreads), nameof(NumberOfThreads), NumberOfThreads, $"from 1 to {Word2VecOptions.MaxThreads}");
    }
}

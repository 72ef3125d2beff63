namespace MLNetContextual;

/// <summary>Options of <c>ml.Transforms.Text.LearnUniversalSentenceEncoder</c>: the encoder's shape, its tasks and the training.</summary>
public sealed class UniversalSentenceEncoderOptions
{
    /// <summary>The tasks trained together (at least one); each step trains on one, drawn by its weight.</summary>
    public List<UseTrainingTask> Tasks { get; set; } = [];

    /// <summary>Which encoder: the deep averaging network (default) or the Transformer.</summary>
    public UseArchitecture Architecture { get; set; } = UseArchitecture.Dan;

    /// <summary>Length of the sentence vectors (the paper's 512). The Transformer's token states have this size too.</summary>
    public int OutputDimension { get; set; } = 512;

    /// <summary>Most frequent words kept in the vocabulary (built in Fit from the tasks' sentences).</summary>
    public int VocabularySize { get; set; } = 30000;

    /// <summary>A word enters the vocabulary when it occurs at least this often.</summary>
    public int MinCount { get; set; } = 2;

    /// <summary>Buckets that out-of-vocabulary words are hashed into (each with an embedding of its own); 0: one shared unknown vector.</summary>
    public int OovBuckets { get; set; } = 1000;

    /// <summary>Lower-case text before it is split into words.</summary>
    public bool LowerCase { get; set; } = true;

    /// <summary>DAN: buckets that word bigrams are hashed into (each with an embedding averaged with the words'); 0: words only.</summary>
    public int BigramBuckets { get; set; } = 1 << 16;

    /// <summary>DAN: width of the word and bigram embeddings.</summary>
    public int EmbeddingDimension { get; set; } = 320;

    /// <summary>DAN: hidden layers of the feed-forward network before its output layer.</summary>
    public int DanHiddenLayers { get; set; } = 2;

    /// <summary>DAN: width of each hidden layer.</summary>
    public int DanHiddenSize { get; set; } = 512;

    /// <summary>DAN: probability that a training text's word or bigram is dropped (word dropout, Iyyer et al. 2015).</summary>
    public double WordDropout { get; set; } = 0.1;

    /// <summary>Transformer: layers. The paper does not give its shape; 2 layers of 512 train on a CPU in minutes.</summary>
    public int TransformerLayers { get; set; } = 2;

    /// <summary>Transformer: attention heads per layer; must divide <see cref="OutputDimension"/>.</summary>
    public int TransformerHeads { get; set; } = 8;

    /// <summary>Transformer: width of each layer's feed-forward block.</summary>
    public int TransformerFeedForwardSize { get; set; } = 1024;

    /// <summary>Transformer: dropout in training (embeddings, attention, sub-layers).</summary>
    public double TransformerDropout { get; set; } = 0.1;

    /// <summary>Transformer: most tokens it accepts per text (the start token included); longer text is truncated.</summary>
    public int TransformerMaxPositions { get; set; } = 256;

    /// <summary>Tokens (DAN: words) of a text used in training; longer text is truncated.</summary>
    public int TrainingMaxTokens { get; set; } = 64;

    /// <summary>Passes: one epoch draws as many examples as all tasks hold together.</summary>
    public int Epochs { get; set; } = 5;

    /// <summary>Examples per step (the in-batch negatives of response prediction are the batch's other responses).</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>Adam's learning rate, warmed up linearly over the first 5% of the steps, then decayed linearly to 0.</summary>
    public double LearningRate { get; set; } = 1e-3;

    /// <summary>TorchSharp threads during Fit (restored afterwards); null: min(processors, 4); on a busy machine 1 can be many times faster.</summary>
    public int? NumberOfThreads { get; set; }

    /// <summary>Seed of initialisation, sampling and dropout; null: the MLContext's seed (else 0).</summary>
    public int? Seed { get; set; }

    /// <summary>Pairs with gold scores: Spearman after every epoch, and the best epoch's weights kept; null: the last epoch's.</summary>
    public UseValidationPairs Validation { get; set; }

    /// <summary>Progress reports (every <see cref="ReportEvery"/> steps, and at each epoch's end).</summary>
    public IProgress<UseTrainingProgress> Progress { get; set; }

    /// <summary>Steps between progress reports.</summary>
    public int ReportEvery { get; set; } = 100;

    /// <summary>Cancels Fit between steps (OperationCanceledException; no transformer is returned).</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Tokens (DAN: words) per text when the fitted transformer embeds; the encoder's run settings.</summary>
    public int MaxTokens { get; set; } = 256;

    /// <summary>Rows per encoder batch when the fitted transformer embeds a whole IDataView.</summary>
    public int InferenceBatchSize { get; set; } = 32;

    /// <summary>Threads the fitted encoder uses when it embeds; null: all cores (DAN) or min(processors, 4) (Transformer).</summary>
    public int? InferenceThreads { get; set; }

    internal void Validate()
    {
        static void Positive(int value, string name)
        {
            if (value < 1)
                throw new ArgumentOutOfRangeException(name, $"{name} is {value}; it must be at least 1.");
        }
        static void NonNegative(int value, string name)
        {
            if (value < 0)
                throw new ArgumentOutOfRangeException(name, $"{name} is {value}; it must not be negative.");
        }
        static void Probability(double value, string name)
        {
            if (!(value >= 0 && value < 1))
                throw new ArgumentOutOfRangeException(name, $"{name} is {value}; it must be in [0, 1).");
        }
        if (Tasks == null || Tasks.Count == 0)
            throw new ArgumentOutOfRangeException(nameof(Tasks), "Tasks is empty; give at least one UseTrainingTask (PairClassification, PairRegression, ResponsePrediction or Distillation).");
        if (Tasks.Any(t => t == null))
            throw new ArgumentNullException(nameof(Tasks), "Tasks holds a null task.");
        var dup = Tasks.GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1);
        if (dup != null)
            throw new ArgumentOutOfRangeException(nameof(Tasks), $"Two tasks are named '{dup.Key}'; give each a name of its own.");
        if (!Enum.IsDefined(Architecture))
            throw new ArgumentOutOfRangeException(nameof(Architecture), $"Invalid Architecture: {Architecture}. Valid values are: Dan, Transformer.");
        Positive(OutputDimension, nameof(OutputDimension));
        NonNegative(VocabularySize, nameof(VocabularySize));
        Positive(MinCount, nameof(MinCount));
        NonNegative(OovBuckets, nameof(OovBuckets));
        NonNegative(BigramBuckets, nameof(BigramBuckets));
        Positive(EmbeddingDimension, nameof(EmbeddingDimension));
        NonNegative(DanHiddenLayers, nameof(DanHiddenLayers));
        Positive(DanHiddenSize, nameof(DanHiddenSize));
        Probability(WordDropout, nameof(WordDropout));
        Positive(TransformerLayers, nameof(TransformerLayers));
        Positive(TransformerHeads, nameof(TransformerHeads));
        Positive(TransformerFeedForwardSize, nameof(TransformerFeedForwardSize));
        Probability(TransformerDropout, nameof(TransformerDropout));
        if (Architecture == UseArchitecture.Transformer && OutputDimension % TransformerHeads != 0)
            throw new ArgumentOutOfRangeException(nameof(TransformerHeads), $"OutputDimension {OutputDimension} is not a multiple of TransformerHeads {TransformerHeads}.");
        if (TransformerMaxPositions < 2)
            throw new ArgumentOutOfRangeException(nameof(TransformerMaxPositions), $"TransformerMaxPositions is {TransformerMaxPositions}; it must be at least 2.");
        Positive(TrainingMaxTokens, nameof(TrainingMaxTokens));
        Positive(Epochs, nameof(Epochs));
        if (BatchSize < 2)
            throw new ArgumentOutOfRangeException(nameof(BatchSize), $"BatchSize is {BatchSize}; it must be at least 2 (response prediction needs in-batch negatives).");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), $"LearningRate is {LearningRate}; it must be a positive number.");
        if (NumberOfThreads is int t && t < 1)
            throw new ArgumentOutOfRangeException(nameof(NumberOfThreads), $"NumberOfThreads is {t}; it must be at least 1 (or null).");
        Positive(ReportEvery, nameof(ReportEvery));
        Positive(MaxTokens, nameof(MaxTokens));
        if (Architecture == UseArchitecture.Transformer && MaxTokens > TransformerMaxPositions)
            throw new ArgumentOutOfRangeException(nameof(MaxTokens), $"MaxTokens is {MaxTokens}; the Transformer accepts at most TransformerMaxPositions ({TransformerMaxPositions}).");
        if (InferenceBatchSize is < 1 or > EncoderOptions.MaxBatchSize)
            throw new ArgumentOutOfRangeException(nameof(InferenceBatchSize), $"InferenceBatchSize is {InferenceBatchSize}; it must be between 1 and {EncoderOptions.MaxBatchSize}.");
        if (InferenceThreads is int it && it < 1)
            throw new ArgumentOutOfRangeException(nameof(InferenceThreads), $"InferenceThreads is {it}; it must be at least 1 (or null).");
    }

    /// <summary>The layer sizes of the DAN's feed-forward network, the output layer last.</summary>
    internal int[] DanLayerSizes() => [.. Enumerable.Repeat(DanHiddenSize, DanHiddenLayers), OutputDimension];
}

using Microsoft.ML;

namespace MLNetContextual;

/// <summary>
/// Options of <c>LearnCrossViewTagger</c>: the columns, the model's shape, the unlabelled data and the optimisation.
/// Defaults follow the reference (tensorflow/models research/cvt_text, <c>configure.py</c>): SGD with momentum 0.9,
/// learning rate 0.5 / (1 + 0.005 √t) with linear warm-up, gradients clipped to norm 1, dropout 0.5 on labelled and 0.2
/// on unlabelled minibatches, label smoothing 0.1, minibatches of 64 sentences, one unlabelled minibatch after every
/// labelled one; except the CPU-sized model (<see cref="CrossViewConfig"/>), a shorter warm-up (<see cref="WarmupSteps"/>)
/// and no moving average of the weights (the reference tests with an EMA of decay 0.998).
/// </summary>
public sealed class LearnCrossViewTaggerOptions
{
    /// <summary>The tokens: a String column of white-space-separated tokens, or a Vector&lt;String&gt; of tokens. Read to
    /// train and to tag.</summary>
    public string InputColumnName { get; set; } = "Text";

    /// <summary>The gold tags of the training rows: a String column of white-space-separated tags or a
    /// Vector&lt;String&gt;, one tag per token. Read by Fit only.</summary>
    public string TagsColumnName { get; set; } = "Tags";

    /// <summary>The column of predicted tags the fitted transformer adds (Vector&lt;String&gt;, one per token).</summary>
    public string OutputColumnName { get; set; } = "PredictedTags";

    /// <summary>The column of the tokens that were tagged (Vector&lt;String&gt;); null: <see cref="OutputColumnName"/> + "Tokens".</summary>
    public string TokensColumnName { get; set; }

    /// <summary>The model's sizes.</summary>
    public CrossViewConfig Model { get; set; } = new();

    /// <summary>Word vectors to start the word embeddings from (GloVe, word2vec, fastText: <see cref="StaticEmbeddings.Load(string, StaticEmbeddingsFormat)"/>),
    /// looked up normalised (lower case, digits as 0); their dimension must equal <see cref="CrossViewConfig.WordEmbeddingDim"/>.
    /// Training words they hold join the vocabulary even when rarer than <see cref="MinCount"/>. Null: random N(0, 0.1).
    /// The embeddings are trained further, as the reference does.</summary>
    public StaticEmbeddings PretrainedEmbeddings { get; set; }

    /// <summary>Unlabelled sentences (in <see cref="UnlabelledColumnName"/>) for the consistency loss of the auxiliary
    /// modules; null, or <see cref="SupervisedOnly"/>: supervised training only.</summary>
    public IDataView UnlabelledSet { get; set; }

    /// <summary>The token column of <see cref="UnlabelledSet"/> (String or Vector&lt;String&gt;); null: <see cref="InputColumnName"/>.</summary>
    public string UnlabelledColumnName { get; set; }

    /// <summary>Train the primary module on the labelled data only, ignoring <see cref="UnlabelledSet"/> (the baseline
    /// that measures what CVT adds).</summary>
    public bool SupervisedOnly { get; set; }

    /// <summary>The first epoch with unlabelled minibatches (1: from the start, as the reference). The teacher is the
    /// primary module itself, so while it still predicts the majority tag everywhere the consistency loss pulls the
    /// encoder towards that too: on small labelled sets in short runs CVT from epoch 1 left that plateau much later than
    /// supervised training (bench/RESULTS.md, Cross-View Training); a later start lets the primary module learn first.</summary>
    public int ConsistencyStartEpoch { get; set; } = 1;

    /// <summary>Train the reference code's fifth auxiliary module, which sees the full view through a module without ReLU
    /// (the paper's four restricted views are always trained).</summary>
    public bool FullViewModule { get; set; } = true;

    /// <summary>Labelled rows (same columns as the training data) scored after each epoch: token accuracy and, for
    /// B-/I- chunk tags, entity-level F1. Tags the training data lacks count as errors.</summary>
    public IDataView ValidationSet { get; set; }

    /// <summary>With a <see cref="ValidationSet"/>: keep the weights of the epoch that scored best (F1 for chunk tags,
    /// else accuracy), as the reference keeps its best dev checkpoint; false: the last epoch's.</summary>
    public bool KeepBestEpoch { get; set; } = true;

    /// <summary>Passes over the labelled sentences.</summary>
    public int Epochs { get; set; } = 10;

    /// <summary>Sentences per minibatch, labelled and unlabelled (reference: 64). Small labelled sets give few steps per
    /// epoch: on 300 CoNLL sentences 8 epochs of 64 (40 steps) never left the all-O start, 16 did (bench/RESULTS.md).</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>Base learning rate of SGD with momentum (reference: 0.5).</summary>
    public double LearningRate { get; set; } = 0.5;

    /// <summary>Momentum (reference: 0.9).</summary>
    public double Momentum { get; set; } = 0.9;

    /// <summary>The learning rate at step t is LearningRate · min(1, t / WarmupSteps) / (1 + LearningRateDecay · √t) (reference: 0.005).</summary>
    public double LearningRateDecay { get; set; } = 0.005;

    /// <summary>Steps of linear warm-up (reference: 5,000, meant for runs of hundreds of thousands of steps; runs on a
    /// thousand labelled sentences have a few hundred steps, so the default is shorter: on 300 CoNLL sentences 100 and 0
    /// did equally well, bench/RESULTS.md). 0: none.</summary>
    public int WarmupSteps { get; set; } = 100;

    /// <summary>Gradients are scaled down to this global L2 norm (reference: 1.0).</summary>
    public double MaxGradientNorm { get; set; } = 1.0;

    /// <summary>Dropout on labelled minibatches: word embeddings, character features, LSTM outputs (reference: keep 0.5).</summary>
    public double LabelledDropout { get; set; } = 0.5;

    /// <summary>Dropout on unlabelled minibatches (the student; the teacher runs without) (reference: keep 0.8).</summary>
    public double UnlabelledDropout { get; set; } = 0.2;

    /// <summary>Label smoothing of the supervised targets (reference: 0.1).</summary>
    public double LabelSmoothing { get; set; } = 0.1;

    /// <summary>Fewest occurrences (labelled and unlabelled text together) for a word to get its own embedding; rarer
    /// words are &lt;unk&gt; (which so learns a vector for unseen words), unless <see cref="PretrainedEmbeddings"/> holds them.</summary>
    public int MinCount { get; set; } = 2;

    /// <summary>Most words in the vocabulary besides the four specials (the most frequent are kept).</summary>
    public int MaxVocabularySize { get; set; } = 100_000;

    /// <summary>Most distinct characters (the most frequent are kept; the rest read as unknown).</summary>
    public int MaxCharacters { get; set; } = 1_000;

    /// <summary>Unlabelled sentences longer than this are cut into pieces (reference: <c>max_sentence_length</c>, 100).
    /// Labelled sentences are trained on in full, and tagging has no limit.</summary>
    public int MaxUnlabelledLength { get; set; } = 100;

    /// <summary>Seed of the initial weights, dropout and the minibatch order.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>TorchSharp threads during Fit (restored after it); null: min(processors, 4).</summary>
    public int? NumberOfThreads { get; set; }

    /// <summary>Receives progress after every <see cref="ProgressInterval"/> labelled minibatches and after each epoch.</summary>
    public IProgress<CrossViewTrainingProgress> Progress { get; set; }

    /// <summary>Labelled minibatches between progress reports.</summary>
    public int ProgressInterval { get; set; } = 50;

    /// <summary>Cancels Fit: it then throws <see cref="OperationCanceledException"/> and returns nothing.</summary>
    public CancellationToken CancellationToken { get; set; }

    internal void Validate()
    {
        static void Check(bool ok, string option, string message)
        {
            if (!ok)
                throw new ArgumentOutOfRangeException(option, message);
        }
        Check(!string.IsNullOrEmpty(InputColumnName), nameof(InputColumnName), "InputColumnName must be specified.");
        Check(!string.IsNullOrEmpty(TagsColumnName), nameof(TagsColumnName), "TagsColumnName must be specified.");
        Check(!string.IsNullOrEmpty(OutputColumnName), nameof(OutputColumnName), "OutputColumnName must be specified.");
        Check(TokensColumnName == null || TokensColumnName.Length > 0, nameof(TokensColumnName), "TokensColumnName must be null (the default name) or a column name.");
        Check((TokensColumnName ?? OutputColumnName + "Tokens") != OutputColumnName, nameof(TokensColumnName), "TokensColumnName must differ from OutputColumnName.");
        if (Model == null)
            throw new ArgumentNullException(nameof(Model), "Model must be set (default: new CrossViewConfig()).");
        Model.Validate();
        Check(PretrainedEmbeddings == null || PretrainedEmbeddings.Dimension == Model.WordEmbeddingDim, nameof(PretrainedEmbeddings),
            $"PretrainedEmbeddings have {PretrainedEmbeddings?.Dimension} dimensions; Model.WordEmbeddingDim is {Model.WordEmbeddingDim}. Set Model.WordEmbeddingDim = {PretrainedEmbeddings?.Dimension}.");
        Check(Epochs >= 1, nameof(Epochs), $"Epochs is {Epochs}; it must be at least 1.");
        Check(ConsistencyStartEpoch >= 1, nameof(ConsistencyStartEpoch), $"ConsistencyStartEpoch is {ConsistencyStartEpoch}; it must be at least 1.");
        Check(BatchSize >= 1, nameof(BatchSize), $"BatchSize is {BatchSize}; it must be at least 1.");
        Check(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), $"LearningRate is {LearningRate}; it must be positive.");
        Check(Momentum is >= 0 and < 1, nameof(Momentum), $"Momentum is {Momentum}; it must be in [0, 1).");
        Check(LearningRateDecay >= 0 && double.IsFinite(LearningRateDecay), nameof(LearningRateDecay), $"LearningRateDecay is {LearningRateDecay}; it must be ≥ 0.");
        Check(WarmupSteps >= 0, nameof(WarmupSteps), $"WarmupSteps is {WarmupSteps}; it must be ≥ 0.");
        Check(MaxGradientNorm > 0 && double.IsFinite(MaxGradientNorm), nameof(MaxGradientNorm), $"MaxGradientNorm is {MaxGradientNorm}; it must be positive.");
        Check(LabelledDropout is >= 0 and < 1, nameof(LabelledDropout), $"LabelledDropout is {LabelledDropout}; it must be in [0, 1).");
        Check(UnlabelledDropout is >= 0 and < 1, nameof(UnlabelledDropout), $"UnlabelledDropout is {UnlabelledDropout}; it must be in [0, 1).");
        Check(LabelSmoothing is >= 0 and < 1, nameof(LabelSmoothing), $"LabelSmoothing is {LabelSmoothing}; it must be in [0, 1).");
        Check(MinCount >= 1, nameof(MinCount), $"MinCount is {MinCount}; it must be at least 1.");
        Check(MaxVocabularySize >= 1, nameof(MaxVocabularySize), $"MaxVocabularySize is {MaxVocabularySize}; it must be at least 1.");
        Check(MaxCharacters >= 1, nameof(MaxCharacters), $"MaxCharacters is {MaxCharacters}; it must be at least 1.");
        Check(MaxUnlabelledLength >= 1, nameof(MaxUnlabelledLength), $"MaxUnlabelledLength is {MaxUnlabelledLength}; it must be at least 1.");
        Check(NumberOfThreads is null or >= 1, nameof(NumberOfThreads), $"NumberOfThreads is {NumberOfThreads}; it must be at least 1 (or null).");
        Check(ProgressInterval >= 1, nameof(ProgressInterval), $"ProgressInterval is {ProgressInterval}; it must be at least 1.");
    }
}

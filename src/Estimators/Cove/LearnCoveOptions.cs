using Microsoft.ML;

namespace MLNetContextual;

/// <summary>The optimizer of <c>LearnCove</c>.</summary>
public enum CoveOptimizer
{
    /// <summary>Plain SGD, as the paper (learning rate 1, halved each epoch once validation perplexity first rises).</summary>
    Sgd,
    /// <summary>Adam (learning rate ~0.001); often faster for small models and few epochs.</summary>
    Adam,
}

/// <summary>Options of <c>LearnCove</c>: the English→German translation model whose encoder becomes CoVe, its training,
/// and the embedding the fitted transformer gives.</summary>
public sealed class LearnCoveOptions
{
    /// <summary>The English text column (what the encoder reads, and what the fitted transformer embeds).</summary>
    public string InputColumnName { get; set; } = "English";

    /// <summary>The German text column (the translation the decoder learns to produce); read only during Fit.</summary>
    public string TargetColumnName { get; set; } = "German";

    /// <summary>The vector column the fitted transformer adds.</summary>
    public string OutputColumnName { get; set; } = "Features";

    /// <summary>The frozen English word vectors (required); the encoder's input size is their dimension.</summary>
    public StaticEmbeddings Glove { get; set; }

    /// <summary>Look English words up lower-cased (GloVe 6B is lower-case); German words are lower-cased too, as the reference's data.</summary>
    public bool LowerCase { get; set; } = true;

    /// <summary>Units per direction of the encoder's biLSTM (paper: 300); the decoder has 2 × this many.</summary>
    public int HiddenSize { get; set; } = 128;

    /// <summary>biLSTM layers of the encoder, and LSTM layers of the decoder (paper: 2).</summary>
    public int Layers { get; set; } = 2;

    /// <summary>German word-embedding size of the decoder.</summary>
    public int TargetEmbeddingSize { get; set; } = 128;

    /// <summary>German words in the decoder's vocabulary (the most frequent, at least <see cref="MinCount"/> times), plus
    /// &lt;pad&gt;, &lt;unk&gt;, &lt;s&gt; and &lt;/s&gt;.</summary>
    public int TargetVocabularySize { get; set; } = 10000;

    /// <summary>Fewest occurrences for a German word to get its own entry.</summary>
    public int MinCount { get; set; } = 2;

    /// <summary>Words kept per sentence on either side (longer ones are cut at the end).</summary>
    public int MaxLength { get; set; } = 50;

    /// <summary>Passes over the pairs.</summary>
    public int Epochs { get; set; } = 1;

    /// <summary>Sentence pairs per batch (OpenNMT-py: 64).</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>The optimizer; the paper's is SGD.</summary>
    public CoveOptimizer Optimizer { get; set; } = CoveOptimizer.Sgd;

    /// <summary>Learning rate (paper, SGD: 1; Adam: ~0.001).</summary>
    public double LearningRate { get; set; } = 1.0;

    /// <summary>With SGD: the factor the rate is multiplied by after every epoch once the validation perplexity has risen
    /// (paper: 0.5); 1: never decay.</summary>
    public double LearningRateDecay { get; set; } = 0.5;

    /// <summary>Gradients are scaled down to this global norm (OpenNMT-py: 5).</summary>
    public double MaxGradientNorm { get; set; } = 5;

    /// <summary>Dropout on the inputs and outputs of the encoder's and decoder's layers (paper: 0.2).</summary>
    public double Dropout { get; set; } = 0.2;

    /// <summary>Parameters are drawn uniformly from ±this (OpenNMT-py: 0.1).</summary>
    public double InitialWeightRange { get; set; } = 0.1;

    /// <summary>Stop an epoch after this many batches (null: all pairs); for quick runs and benchmarks.</summary>
    public int? MaxBatchesPerEpoch { get; set; }

    /// <summary>Pairs whose perplexity is reported after each epoch (columns <see cref="ValidationInputColumnName"/> and
    /// <see cref="ValidationTargetColumnName"/>); null: none.</summary>
    public IDataView ValidationSet { get; set; }

    /// <summary>The English column of <see cref="ValidationSet"/>; null: <see cref="InputColumnName"/>.</summary>
    public string ValidationInputColumnName { get; set; }

    /// <summary>The German column of <see cref="ValidationSet"/>; null: <see cref="TargetColumnName"/>.</summary>
    public string ValidationTargetColumnName { get; set; }

    /// <summary>Seed of the initial weights, dropout and the order of batches.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>TorchSharp threads during Fit (restored after it); null: min(processors, 4).</summary>
    public int? NumberOfThreads { get; set; }

    /// <summary>Receives progress every <see cref="ProgressInterval"/> batches and after each epoch.</summary>
    public IProgress<CoveTrainingProgress> Progress { get; set; }

    /// <summary>Batches between progress reports.</summary>
    public int ProgressInterval { get; set; } = 50;

    /// <summary>Cancels Fit (it then throws <see cref="OperationCanceledException"/>; nothing is written).</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Start every layer of the learned encoder with the GloVe vector (the paper's [GloVe; CoVe]); see <see cref="CoveEncoder"/>.</summary>
    public bool IncludeGlove { get; set; } = true;

    /// <summary>Give the learned encoder one layer [GloVe; h_1; …; h_L] (the reference's <c>layer0=True</c> output) instead
    /// of one layer per biLSTM layer; see <see cref="CoveEncoder.ConcatenateLayers"/>.</summary>
    public bool ConcatenateLayers { get; set; }

    /// <summary>How the fitted transformer embeds text (default: mean over words of the last layer, [GloVe; CoVe]). Its
    /// <c>Encoder</c> is replaced by the learned one.</summary>
    public ContextualEmbeddingOptions Embedding { get; set; }

    internal void Validate()
    {
        static void Check(bool ok, string option, string message)
        {
            if (!ok)
                throw new ArgumentOutOfRangeException(option, message);
        }
        Check(!string.IsNullOrEmpty(InputColumnName), nameof(InputColumnName), "InputColumnName must be specified.");
        Check(!string.IsNullOrEmpty(TargetColumnName), nameof(TargetColumnName), "TargetColumnName must be specified.");
        Check(!string.IsNullOrEmpty(OutputColumnName), nameof(OutputColumnName), "OutputColumnName must be specified.");
        if (Glove == null)
            throw new ArgumentNullException(nameof(Glove), "Glove must be set: the frozen English word vectors the encoder reads (StaticEmbeddings.Load).");
        Check(HiddenSize >= 1, nameof(HiddenSize), $"HiddenSize is {HiddenSize}; it must be at least 1.");
        Check(Layers >= 1, nameof(Layers), $"Layers is {Layers}; it must be at least 1.");
        Check(TargetEmbeddingSize >= 1, nameof(TargetEmbeddingSize), $"TargetEmbeddingSize is {TargetEmbeddingSize}; it must be at least 1.");
        Check(TargetVocabularySize >= 5, nameof(TargetVocabularySize), $"TargetVocabularySize is {TargetVocabularySize}; it must be at least 5 (<pad>, <unk>, <s>, </s> and a word).");
        Check(MinCount >= 1, nameof(MinCount), $"MinCount is {MinCount}; it must be at least 1.");
        Check(MaxLength >= 1, nameof(MaxLength), $"MaxLength is {MaxLength}; it must be at least 1.");
        Check(Epochs >= 1, nameof(Epochs), $"Epochs is {Epochs}; it must be at least 1.");
        Check(BatchSize >= 1, nameof(BatchSize), $"BatchSize is {BatchSize}; it must be at least 1.");
        Check(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), $"LearningRate is {LearningRate}; it must be positive.");
        Check(LearningRateDecay is > 0 and <= 1, nameof(LearningRateDecay), $"LearningRateDecay is {LearningRateDecay}; it must be in (0, 1].");
        Check(MaxGradientNorm > 0, nameof(MaxGradientNorm), $"MaxGradientNorm is {MaxGradientNorm}; it must be positive.");
        Check(Dropout is >= 0 and < 1, nameof(Dropout), $"Dropout is {Dropout}; it must be in [0, 1).");
        Check(InitialWeightRange > 0, nameof(InitialWeightRange), $"InitialWeightRange is {InitialWeightRange}; it must be positive.");
        Check(MaxBatchesPerEpoch is null or >= 1, nameof(MaxBatchesPerEpoch), $"MaxBatchesPerEpoch is {MaxBatchesPerEpoch}; it must be at least 1 (or null).");
        Check(NumberOfThreads is null or >= 1, nameof(NumberOfThreads), $"NumberOfThreads is {NumberOfThreads}; it must be at least 1 (or null).");
        Check(ProgressInterval >= 1, nameof(ProgressInterval), $"ProgressInterval is {ProgressInterval}; it must be at least 1.");
    }
}

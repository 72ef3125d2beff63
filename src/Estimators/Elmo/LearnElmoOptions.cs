using Microsoft.ML;

namespace MLNetContextual;

/// <summary>Options of <c>LearnElmo</c>: the model's shape, the language-model training and the embedding the fitted
/// transformer gives.</summary>
public sealed class LearnElmoOptions
{
    /// <summary>The text column to learn from (and to embed).</summary>
    public string InputColumnName { get; set; } = "Text";

    /// <summary>The vector column the fitted transformer adds.</summary>
    public string OutputColumnName { get; set; } = "Features";

    /// <summary>The biLM's shape (every <c>options.json</c> size); default: the CPU-sized <see cref="ElmoConfig"/>.</summary>
    public ElmoConfig Model { get; set; } = new();

    /// <summary>Words in the softmax: the most frequent ones (at least <see cref="MinCount"/> times), plus &lt;S&gt;,
    /// &lt;/S&gt; and &lt;UNK&gt;. Inputs are characters, so rarer words are still read; only predicting them is pooled.</summary>
    public int VocabularySize { get; set; } = 20000;

    /// <summary>Fewest occurrences for a word to get its own softmax entry.</summary>
    public int MinCount { get; set; } = 3;

    /// <summary>Negative words drawn per batch for the sampled softmax (log-uniform over the frequency-sorted vocabulary,
    /// as bilm-tf's 8192); 0 or at least the vocabulary size: the full softmax. Validation perplexity always uses the full softmax.</summary>
    public int SampledSoftmaxSize { get; set; } = 1024;

    /// <summary>Passes over the text.</summary>
    public int Epochs { get; set; } = 1;

    /// <summary>Token streams trained side by side (bilm-tf: batch_size).</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Steps of truncated back-propagation through time; states carry over between windows (bilm-tf: unroll_steps).</summary>
    public int UnrollSteps { get; set; } = 20;

    /// <summary>Adagrad's learning rate (bilm-tf: 0.2, initial accumulator 1).</summary>
    public double LearningRate { get; set; } = 0.2;

    /// <summary>Gradients are scaled down to this global norm (bilm-tf: all_clip_norm_val 10).</summary>
    public double MaxGradientNorm { get; set; } = 10;

    /// <summary>Dropout on each LSTM layer's input and on the top output (bilm-tf: 0.1).</summary>
    public double Dropout { get; set; } = 0.1;

    /// <summary>Stop an epoch after this many batches (null: the whole text); for quick runs and benchmarks.</summary>
    public int? MaxBatchesPerEpoch { get; set; }

    /// <summary>Text (in <see cref="ValidationColumnName"/>) whose full-softmax perplexity is reported after each epoch.</summary>
    public IDataView ValidationSet { get; set; }

    /// <summary>The text column of <see cref="ValidationSet"/>; null: <see cref="InputColumnName"/>.</summary>
    public string ValidationColumnName { get; set; }

    /// <summary>Seed of TorchSharp's generator for the initial weights, dropout and the sampled softmax.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Split text on white space only (pre-tokenized text); see <see cref="ElmoTokenizer"/>.</summary>
    public bool WhitespaceOnly { get; set; }

    /// <summary>TorchSharp threads during Fit (restored after it); null: min(processors, 4); on a busy machine 1 can be many times faster.</summary>
    public int? NumberOfThreads { get; set; }

    /// <summary>Receives progress after every <see cref="ProgressInterval"/> batches and after each epoch.</summary>
    public IProgress<ElmoTrainingProgress> Progress { get; set; }

    /// <summary>Batches between progress reports.</summary>
    public int ProgressInterval { get; set; } = 50;

    /// <summary>Cancels Fit (it then throws <see cref="OperationCanceledException"/> and returns nothing).</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>How the fitted transformer embeds text: layers (default: all, averaged — ELMo's scalar mix with equal
    /// weights), pooling, batching. Its <c>Encoder</c> is replaced by the learned one.</summary>
    public ContextualEmbeddingOptions Embedding { get; set; }

    internal void Validate()
    {
        static void Check(bool ok, string option, string message)
        {
            if (!ok)
                throw new ArgumentOutOfRangeException(option, message);
        }
        Check(!string.IsNullOrEmpty(InputColumnName), nameof(InputColumnName), "InputColumnName must be specified.");
        Check(!string.IsNullOrEmpty(OutputColumnName), nameof(OutputColumnName), "OutputColumnName must be specified.");
        if (Model == null)
            throw new ArgumentNullException(nameof(Model), "Model must be set (default: new ElmoConfig()).");
        Model.Validate();
        Check(VocabularySize >= 4, nameof(VocabularySize), $"VocabularySize is {VocabularySize}; it must be at least 4 (<S>, </S>, <UNK> and a word).");
        Check(MinCount >= 1, nameof(MinCount), $"MinCount is {MinCount}; it must be at least 1.");
        Check(SampledSoftmaxSize >= 0, nameof(SampledSoftmaxSize), $"SampledSoftmaxSize is {SampledSoftmaxSize}; it must not be negative (0: full softmax).");
        Check(Epochs >= 1, nameof(Epochs), $"Epochs is {Epochs}; it must be at least 1.");
        Check(BatchSize >= 1, nameof(BatchSize), $"BatchSize is {BatchSize}; it must be at least 1.");
        Check(UnrollSteps >= 1, nameof(UnrollSteps), $"UnrollSteps is {UnrollSteps}; it must be at least 1.");
        Check(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), $"LearningRate is {LearningRate}; it must be positive.");
        Check(MaxGradientNorm > 0, nameof(MaxGradientNorm), $"MaxGradientNorm is {MaxGradientNorm}; it must be positive.");
        Check(Dropout is >= 0 and < 1, nameof(Dropout), $"Dropout is {Dropout}; it must be in [0, 1).");
        Check(MaxBatchesPerEpoch is null or >= 1, nameof(MaxBatchesPerEpoch), $"MaxBatchesPerEpoch is {MaxBatchesPerEpoch}; it must be at least 1 (or null).");
        Check(NumberOfThreads is null or >= 1, nameof(NumberOfThreads), $"NumberOfThreads is {NumberOfThreads}; it must be at least 1 (or null).");
        Check(ProgressInterval >= 1, nameof(ProgressInterval), $"ProgressInterval is {ProgressInterval}; it must be at least 1.");
    }
}

using Microsoft.ML;

namespace MLNetContextual;

/// <summary>Options of <c>LearnContext2Vec</c>: vocabulary, model shape, negative-sampling training, and the token
/// embedding the fitted transformer gives. Defaults follow the reference (orenmel/context2vec: <c>-t 3 -p 0.75 -b 100
/// -a 0.001 --dropout 0.0</c>, 10 negatives, sentences of at most 128 words) except the CPU-sized model
/// (<see cref="Context2VecConfig"/>) and one epoch (the reference: 10).</summary>
public sealed class LearnContext2VecOptions
{
    /// <summary>The text column to learn from (and to embed).</summary>
    public string InputColumnName { get; set; } = "Text";

    /// <summary>The token-vector column the fitted transformer adds (with its Tokens, Starts and Lengths columns).</summary>
    public string OutputColumnName { get; set; } = "Features";

    /// <summary>The model's sizes: word embedding, LSTM hidden, MLP hidden, context/target dimension.</summary>
    public Context2VecConfig Model { get; set; } = new();

    /// <summary>Fewest occurrences for a word to get its own embeddings; rarer words are &lt;UNK&gt; (reference: <c>-t</c>, its README uses 3).</summary>
    public int MinCount { get; set; } = 3;

    /// <summary>Most words in the vocabulary besides &lt;UNK&gt;, &lt;BOS&gt; and &lt;EOS&gt; (the most frequent are kept).</summary>
    public int MaxVocabularySize { get; set; } = 100_000;

    /// <summary>Lower-case words before counting and looking them up (the reference always does).</summary>
    public bool LowerCase { get; set; } = true;

    /// <summary>Split text on white space only (pre-tokenized text, as the reference reads it); see <see cref="ElmoTokenizer"/>.</summary>
    public bool WhitespaceOnly { get; set; }

    /// <summary>Negative target words drawn per slot (reference: 10).</summary>
    public int NegativeSamples { get; set; } = 10;

    /// <summary>Negatives are drawn with probability ∝ count^this (reference: <c>-p</c>, 0.75).</summary>
    public double SamplingPower { get; set; } = 0.75;

    /// <summary>Passes over the text (reference: <c>-e</c>, 10).</summary>
    public int Epochs { get; set; } = 1;

    /// <summary>Sentences per batch; a batch holds sentences of one length, as the reference's corpus-by-length reader (<c>-b</c>, 100).</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>Adam's learning rate (reference: <c>-a</c>, 0.001). The model first settles on a context-free solution
    /// (every slot predicts the unigram distribution) and leaves it after a few hundred steps; in short CPU runs 0.005
    /// left it much sooner than 0.001 (bench/RESULTS.md, context2vec).</summary>
    public double LearningRate { get; set; } = 1e-3;

    /// <summary>Gradients are scaled down to this global L2 norm; null: no clipping (the reference's default; its README
    /// suggests 5 against exploding gradients, which is the default here).</summary>
    public double? MaxGradientNorm { get; set; } = 5;

    /// <summary>Dropout on the word embeddings and on both MLP inputs (reference: <c>--dropout</c>, 0).</summary>
    public double Dropout { get; set; }

    /// <summary>Longest sentence trained on, in words. Longer rows are cut into consecutive pieces of at most this many
    /// words (the reference drops them instead); nothing is thrown away. Applying the model has no limit of its own
    /// (the transforms' <c>MaxTokens</c> truncates).</summary>
    public int MaxSentenceLength { get; set; } = 128;

    /// <summary>Stop an epoch after this many batches (null: the whole text); for quick runs and benchmarks.</summary>
    public int? MaxBatchesPerEpoch { get; set; }

    /// <summary>Text (in <see cref="ValidationColumnName"/>) whose loss is reported after each epoch.</summary>
    public IDataView ValidationSet { get; set; }

    /// <summary>The text column of <see cref="ValidationSet"/>; null: <see cref="InputColumnName"/>.</summary>
    public string ValidationColumnName { get; set; }

    /// <summary>With a <see cref="ValidationSet"/>: keep the weights of the epoch whose validation loss is lowest, so that
    /// more epochs never hurt (on 1 M words the loss rose after epoch 3 of 4, bench/RESULTS.md); false: the last epoch's.</summary>
    public bool KeepBestEpoch { get; set; } = true;

    /// <summary>Seed of the initial weights, dropout, the negative sampler and the batch order.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>TorchSharp threads during Fit (restored after it); null: min(processors, 4); on a busy machine 1 can be many times faster.</summary>
    public int? NumberOfThreads { get; set; }

    /// <summary>Receives progress after every <see cref="ProgressInterval"/> batches and after each epoch.</summary>
    public IProgress<Context2VecTrainingProgress> Progress { get; set; }

    /// <summary>Batches between progress reports.</summary>
    public int ProgressInterval { get; set; } = 100;

    /// <summary>Cancels Fit: it then throws <see cref="OperationCanceledException"/>, returns nothing and writes nothing.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>How the fitted transformer gives token vectors (normalisation, special tokens, column names, batching,
    /// MaxTokens); its <c>Encoder</c> is replaced by the learned one. Null: the defaults.</summary>
    public ContextualTokenEmbeddingOptions Embedding { get; set; }

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
            throw new ArgumentNullException(nameof(Model), "Model must be set (default: new Context2VecConfig()).");
        Model.Validate();
        Check(MinCount >= 1, nameof(MinCount), $"MinCount is {MinCount}; it must be at least 1.");
        Check(MaxVocabularySize >= 1, nameof(MaxVocabularySize), $"MaxVocabularySize is {MaxVocabularySize}; it must be at least 1.");
        Check(NegativeSamples >= 1, nameof(NegativeSamples), $"NegativeSamples is {NegativeSamples}; it must be at least 1.");
        Check(SamplingPower >= 0 && double.IsFinite(SamplingPower), nameof(SamplingPower), $"SamplingPower is {SamplingPower}; it must be a finite number ≥ 0 (0: uniform, 1: unigram).");
        Check(Epochs >= 1, nameof(Epochs), $"Epochs is {Epochs}; it must be at least 1.");
        Check(BatchSize >= 1, nameof(BatchSize), $"BatchSize is {BatchSize}; it must be at least 1.");
        Check(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), $"LearningRate is {LearningRate}; it must be positive.");
        Check(MaxGradientNorm is null or > 0, nameof(MaxGradientNorm), $"MaxGradientNorm is {MaxGradientNorm}; it must be positive (or null: no clipping).");
        Check(Dropout is >= 0 and < 1, nameof(Dropout), $"Dropout is {Dropout}; it must be in [0, 1).");
        Check(MaxSentenceLength >= 1, nameof(MaxSentenceLength), $"MaxSentenceLength is {MaxSentenceLength}; it must be at least 1.");
        Check(MaxBatchesPerEpoch is null or >= 1, nameof(MaxBatchesPerEpoch), $"MaxBatchesPerEpoch is {MaxBatchesPerEpoch}; it must be at least 1 (or null).");
        Check(NumberOfThreads is null or >= 1, nameof(NumberOfThreads), $"NumberOfThreads is {NumberOfThreads}; it must be at least 1 (or null).");
        Check(ProgressInterval >= 1, nameof(ProgressInterval), $"ProgressInterval is {ProgressInterval}; it must be at least 1.");
    }
}

using Microsoft.ML;

namespace MLNetContextual;

/// <summary>
/// Settings shared by the fine-tuning trainers: the encoder to start from and BERT's recipe (AdamW, linear warmup then
/// linear decay, weight decay on all but LayerNorm and biases, dropout 0.1 before the head).
/// </summary>
public abstract class FineTuningOptions
{
    /// <summary>The encoder to start from: any trainable token encoder; default: the embedded all-MiniLM-L6-v2
    /// (<see cref="BertCheckpoint.MiniLM"/>).</summary>
    public TrainableTokenEncoder Encoder { get; set; } = BertCheckpoint.MiniLM;

    /// <summary>Examples (QA: windows) per optimisation step; also rows per run when a whole IDataView is transformed.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Passes over the training data (fewer when early stopping ends training).</summary>
    public int MaxEpochs { get; set; } = 3;

    /// <summary>Peak learning rate of AdamW, reached at the end of the warmup. Defaults, measured for the embedded
    /// MiniLM-L6 on leak-free splits (bench/RESULTS.md, issue 14): 1e-4 for text classification (SST-2 with 10,000 rows:
    /// 0.866 held-back accuracy against 0.853 at 2e-4), 2e-4 for question answering (SQuAD, 3,000 questions, one epoch:
    /// F1 54.8). BERT-base's 2e-5–5e-5 is too low for this small encoder; larger encoders usually want less.</summary>
    public double LearningRate { get; set; } = 2e-4;

    /// <summary>Fraction of all steps over which the learning rate rises linearly from 0; it then decays linearly to 0.</summary>
    public double WarmupRatio { get; set; } = 0.1;

    /// <summary>AdamW's decoupled weight decay; not applied to LayerNorm parameters and biases.</summary>
    public double WeightDecay { get; set; } = 0.01;

    /// <summary>Gradients are scaled down when their global L2 norm exceeds this (BERT: 1.0); 0 turns clipping off.</summary>
    public double MaxGradientNorm { get; set; } = 1.0;

    /// <summary>Dropout before the task head (BERT: 0.1).</summary>
    public double HeadDropout { get; set; } = 0.1;

    /// <summary>Rows scored after every epoch (same columns as the training data). With it, training stops early when
    /// the validation metric has not improved for <see cref="EarlyStoppingPatience"/> epochs, and the weights of the best
    /// epoch are the ones kept. Null: a <see cref="ValidationFraction"/> of the training rows is held back instead.</summary>
    public IDataView ValidationSet { get; set; }

    /// <summary>When no <see cref="ValidationSet"/> is given and <see cref="MaxEpochs"/> is above 1: the fraction of the
    /// training rows (QA: questions) held back as the validation set, so that the best epoch is the one kept and more
    /// epochs never hurt. The rows are drawn by a seeded random split (<see cref="Seed"/>), not grouped: when rows share a
    /// source (phrases cut from one sentence, questions about one article, passages of one document), split by source
    /// yourself and pass <see cref="ValidationSet"/>, or the validation metric runs high. 0 turns it off (all rows train,
    /// the last epoch is kept). With one epoch nothing is held back: there is no epoch to choose.</summary>
    public double ValidationFraction { get; set; } = 0.1;

    /// <summary>Layer-wise learning-rate decay: the head and pooler train at <see cref="LearningRate"/>, encoder layer
    /// <c>i</c> of <c>L</c> at <c>LearningRate × decay^(L − i)</c>, the embeddings at <c>LearningRate × decay^(L + 1)</c>;
    /// 1 turns it off. Layers are recognised by their parameter names (<c>encoder.layer.N.</c>, <c>embeddings.</c>).</summary>
    public double LayerwiseLearningRateDecay { get; set; } = 1.0;

    /// <summary>Re-initialises the encoder's pooler (<c>pooler.dense</c>: normal(0, 0.02) weights, zero bias) before
    /// training instead of starting from the checkpoint's (which was trained for another task, or not at all).</summary>
    public bool ReinitializePooler { get; set; }

    /// <summary>Epochs without improvement on <see cref="ValidationSet"/> before training stops.</summary>
    public int EarlyStoppingPatience { get; set; } = 1;

    /// <summary>Threads TorchSharp uses during <c>Fit</c> (a process-wide setting, restored when <c>Fit</c> ends); null: min(processors, 4); on a busy machine 1 can be many times faster.</summary>
    public int? NumberOfThreads { get; set; }

    /// <summary>Cancels <c>Fit</c>: it throws <see cref="OperationCanceledException"/> at the next step and writes nothing.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Receives progress (epoch, step, loss, examples/s, validation metric); also logged to <see cref="MLContext.Log"/>.</summary>
    public IProgress<FineTuningProgress> Progress { get; set; }

    /// <summary>Steps between two progress reports.</summary>
    public int ProgressInterval { get; set; } = 10;

    /// <summary>Seed of weight initialisation, dropout and shuffling; null: the <see cref="MLContext"/> seed (random when
    /// the context has none). With a fixed seed, training on the CPU is repeatable.</summary>
    public int? Seed { get; set; }

    internal virtual void Validate()
    {
        if (Encoder == null)
            throw new ArgumentNullException(nameof(Encoder), "Encoder must be set (default: BertCheckpoint.MiniLM).");
        Check(BatchSize >= 1, nameof(BatchSize), $"BatchSize is {BatchSize}; it must be at least 1.");
        Check(MaxEpochs >= 1, nameof(MaxEpochs), $"MaxEpochs is {MaxEpochs}; it must be at least 1.");
        Check(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), $"LearningRate is {LearningRate}; it must be positive.");
        Check(WarmupRatio is >= 0 and < 1, nameof(WarmupRatio), $"WarmupRatio is {WarmupRatio}; it must be in [0, 1).");
        Check(WeightDecay >= 0, nameof(WeightDecay), $"WeightDecay is {WeightDecay}; it must not be negative.");
        Check(MaxGradientNorm >= 0, nameof(MaxGradientNorm), $"MaxGradientNorm is {MaxGradientNorm}; it must not be negative.");
        Check(HeadDropout is >= 0 and < 1, nameof(HeadDropout), $"HeadDropout is {HeadDropout}; it must be in [0, 1).");
        Check(ValidationFraction is >= 0 and < 1, nameof(ValidationFraction), $"ValidationFraction is {ValidationFraction}; it must be in [0, 1).");
        Check(LayerwiseLearningRateDecay is > 0 and <= 1, nameof(LayerwiseLearningRateDecay), $"LayerwiseLearningRateDecay is {LayerwiseLearningRateDecay}; it must be in (0, 1].");
        Check(EarlyStoppingPatience >= 1, nameof(EarlyStoppingPatience), $"EarlyStoppingPatience is {EarlyStoppingPatience}; it must be at least 1.");
        Check(NumberOfThreads is null or >= 1, nameof(NumberOfThreads), $"NumberOfThreads is {NumberOfThreads}; it must be at least 1.");
        Check(ProgressInterval >= 1, nameof(ProgressInterval), $"ProgressInterval is {ProgressInterval}; it must be at least 1.");
    }

    private protected static void Check(bool condition, string name, string message)
    {
        if (!condition)
            throw new ArgumentOutOfRangeException(name, message);
    }
}

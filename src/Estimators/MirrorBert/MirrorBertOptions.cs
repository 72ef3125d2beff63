namespace MLNetContextual;

/// <summary>
/// Options of <c>ml.Transforms.Text.LearnMirrorBert</c>: the starting encoder, Mirror-BERT's two augmentations (a masked
/// character span and dropout), the InfoNCE loss and the training. Defaults are the reference's sentence recipe
/// (cambridgeltl/mirror-bert, <c>mirror_scripts/mirror_sentence_bert.sh</c>): batch 200, one epoch, AdamW at lr 2e-5 with
/// weight decay 0.01, temperature 0.04, span 5, 50 tokens, mean pooling. Its word script (<c>mirror_word_bert.sh</c>) is
/// Temperature 0.2, MaskSpanLength 0, Pooling Cls, MaxTokens 25, Epochs 2. Dropout is the encoder's own
/// (<see cref="BertConfig.HiddenDropoutProb"/>, <see cref="BertConfig.AttentionProbsDropoutProb"/>: 0.1 for MiniLM and
/// BERT-base, the reference's <c>dropout_rate</c>).
/// </summary>
public sealed class MirrorBertOptions
{
    /// <summary>The masked language model to rewire: a <see cref="BertCheckpoint"/> (default: the embedded MiniLM,
    /// <see cref="BertCheckpoint.MiniLM"/>; or <see cref="BertCheckpoint.FromHuggingFace"/>, <see cref="BertCheckpoint.FromOnnx"/>)
    /// or a <see cref="BertOnnxEncoder"/> (<see cref="ContextualEncoder.FromOnnx"/>, imported into TorchSharp for training).</summary>
    public ContextualEncoder Encoder { get; set; } = BertCheckpoint.MiniLM;

    /// <summary>Characters of the span replaced by <c>[MASK]</c> in the second copy of a string (the reference's
    /// <c>random_span_mask</c> 5); 0 turns span masking off, leaving dropout as the only augmentation.</summary>
    public int MaskSpanLength { get; set; } = 5;

    /// <summary>Strings shorter than this many characters are not masked (the reference: 30).</summary>
    public int MinMaskLength { get; set; } = 30;

    /// <summary>InfoNCE temperature τ over cosine similarities: 0.04 for sentences, 0.2 for words (the paper).</summary>
    public double Temperature { get; set; } = 0.04;

    /// <summary>Strings per step (each with its twin: 2 × BatchSize views, 2 × BatchSize − 2 negatives per view); at least 2.
    /// Memory grows with BatchSize × tokens: a MiniLM step of the reference's 200 strings at 50 tokens peaked at 7.2 GB
    /// working set on the CPU, at 32 tokens 3.7 GB (bench/RESULTS.md).</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>Passes over the strings (the reference: 1). Masks are drawn anew in every epoch.</summary>
    public int Epochs { get; set; } = 1;

    /// <summary>AdamW's learning rate, constant (the reference has no warm-up or decay).</summary>
    public double LearningRate { get; set; } = 2e-5;

    /// <summary>AdamW's weight decay, on every parameter (the reference: 0.01).</summary>
    public double WeightDecay { get; set; } = 0.01;

    /// <summary>Word pieces per string in training, [CLS] and [SEP] included (the reference's <c>max_length</c> 50); longer
    /// strings are truncated.</summary>
    public int MaxTokens { get; set; } = 50;

    /// <summary>How token vectors become the sentence vector, in training and in the fitted transformer:
    /// <see cref="ContextualPooling.Mean"/> (the reference's sentence recipe, <c>agg_mode mean</c>) or
    /// <see cref="ContextualPooling.Cls"/> (its default for words).</summary>
    public ContextualPooling Pooling { get; set; } = ContextualPooling.Mean;

    /// <summary>Seed of the shuffle, the masks and TorchSharp's dropout; null: the MLContext's seed, else 0.</summary>
    public int? Seed { get; set; }

    /// <summary>TorchSharp threads during Fit (restored after it); null: min(processors, 4).</summary>
    public int? NumberOfThreads { get; set; }

    /// <summary>Use only the first this many non-empty strings (null: all).</summary>
    public int? MaxRows { get; set; }

    /// <summary>Receives the loss after every <see cref="ProgressInterval"/> steps and at the end of each epoch.</summary>
    public IProgress<MirrorBertProgress> Progress { get; set; }

    /// <summary>Steps between progress reports.</summary>
    public int ProgressInterval { get; set; } = 10;

    /// <summary>Cancels Fit between steps: it then throws <see cref="OperationCanceledException"/> and returns nothing.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Word pieces per text when the fitted transformer embeds (capped by the encoder's MaxPositions).</summary>
    public int InferenceMaxTokens { get; set; } = 256;

    /// <summary>Rows per ONNX Runtime run when the fitted transformer embeds.</summary>
    public int InferenceBatchSize { get; set; } = 32;

    /// <summary>ONNX Runtime intra-op threads when the fitted transformer embeds; null: ONNX Runtime's default.</summary>
    public int? InferenceThreads { get; set; }

    internal static readonly ContextualPooling[] Poolings = [ContextualPooling.Mean, ContextualPooling.Cls];

    internal void Validate()
    {
        static void Check(bool ok, string option, string message)
        {
            if (!ok)
                throw new ArgumentOutOfRangeException(option, message);
        }
        if (Encoder == null)
            throw new ArgumentNullException(nameof(Encoder), "Encoder must be set (default: BertCheckpoint.MiniLM).");
        Check(Encoder is BertCheckpoint || Encoder is BertOnnxEncoder { Quantization: EncoderQuantization.None }, nameof(Encoder),
            $"Encoder '{Encoder.Name}' ({Encoder.Kind}) cannot be trained by Mirror-BERT; expected a BERT encoder: a BertCheckpoint or an unquantized BertOnnxEncoder.");
        Check(MaskSpanLength >= 0, nameof(MaskSpanLength), $"MaskSpanLength is {MaskSpanLength}; it must not be negative (0: no span masking).");
        Check(MinMaskLength >= 0, nameof(MinMaskLength), $"MinMaskLength is {MinMaskLength}; it must not be negative.");
        Check(Temperature > 0 && double.IsFinite(Temperature), nameof(Temperature), $"Temperature is {Temperature}; it must be positive.");
        Check(BatchSize >= 2, nameof(BatchSize), $"BatchSize is {BatchSize}; it must be at least 2 (InfoNCE needs in-batch negatives).");
        Check(Epochs >= 1, nameof(Epochs), $"Epochs is {Epochs}; it must be at least 1.");
        Check(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), $"LearningRate is {LearningRate}; it must be positive.");
        Check(WeightDecay >= 0 && double.IsFinite(WeightDecay), nameof(WeightDecay), $"WeightDecay is {WeightDecay}; it must not be negative.");
        Check(MaxTokens >= 3, nameof(MaxTokens), $"MaxTokens is {MaxTokens}; it must be at least 3 ([CLS], a token, [SEP]).");
        Check(MaxTokens <= Encoder.MaxPositions, nameof(MaxTokens), $"MaxTokens is {MaxTokens}; this model accepts at most {Encoder.MaxPositions}.");
        Check(Poolings.Contains(Pooling), nameof(Pooling),
            $"Set invalid pooling {Pooling}. Valid poolings are: ({string.Join(", ", Poolings)}).");
        Check(NumberOfThreads is null or >= 1, nameof(NumberOfThreads), $"NumberOfThreads is {NumberOfThreads}; it must be at least 1 (or null).");
        Check(MaxRows is null or >= 2, nameof(MaxRows), $"MaxRows is {MaxRows}; it must be at least 2 (or null).");
        Check(ProgressInterval >= 1, nameof(ProgressInterval), $"ProgressInterval is {ProgressInterval}; it must be at least 1.");
        Check(InferenceMaxTokens >= 3, nameof(InferenceMaxTokens), $"InferenceMaxTokens is {InferenceMaxTokens}; it must be at least 3.");
        Check(InferenceBatchSize >= 1, nameof(InferenceBatchSize), $"InferenceBatchSize is {InferenceBatchSize}; it must be at least 1.");
        Check(InferenceThreads is null or >= 1, nameof(InferenceThreads), $"InferenceThreads is {InferenceThreads}; it must be at least 1 (or null).");
    }

    /// <summary>The starting encoder as a TorchSharp BERT.</summary>
    internal BertCheckpoint Checkpoint => Encoder as BertCheckpoint ?? BertCheckpoint.FromOnnx((BertOnnxEncoder)Encoder);
}

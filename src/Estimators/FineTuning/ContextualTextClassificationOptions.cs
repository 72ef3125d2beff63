namespace MLNetContextual;

/// <summary>Options of the <c>ContextualTextClassification</c> trainers (multiclass and binary).</summary>
public sealed class ContextualTextClassificationOptions : FineTuningOptions
{
    /// <summary>Creates the options with the classification defaults: learning rate 1e-4 (measured on SST-2 with 10,000
    /// rows, bench/RESULTS.md, issue 14), batch 32, up to 3 epochs with the best kept.</summary>
    public ContextualTextClassificationOptions()
    {
        LearningRate = 1e-4;
    }

    /// <summary>The label: a key (multiclass; put <c>MapValueToKey</c> before the trainer) or Boolean (binary).</summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>The text to classify.</summary>
    public string Sentence1ColumnName { get; set; } = "Sentence1";

    /// <summary>An optional second text (sentence pairs: [CLS] first [SEP] second [SEP]); null: single sentences.</summary>
    public string Sentence2ColumnName { get; set; }

    /// <summary>Output: class probabilities (multiclass, vector) or the raw margin (binary, scalar).</summary>
    public string ScoreColumnName { get; set; } = "Score";

    /// <summary>Output: the predicted class (multiclass: key with the label's key values; binary: Boolean).</summary>
    public string PredictedLabelColumnName { get; set; } = "PredictedLabel";

    /// <summary>Output, binary only: the probability of <c>true</c>.</summary>
    public string ProbabilityColumnName { get; set; } = "Probability";

    /// <summary>Word pieces kept per row, [CLS] and [SEP] included; longer text is truncated at the end (pairs: the
    /// longer text first).</summary>
    public int MaxTokens { get; set; } = 128;

    /// <summary>Keep the encoder's weights as they are and train only the head (and the scalar mix, with
    /// <see cref="LearnScalarMix"/>): the feature-based recipe of the ELMo and BERT papers. Faster and lighter than full
    /// fine-tuning; usually less accurate.</summary>
    public bool FreezeEncoder { get; set; }

    /// <summary>Classify a learned scalar mix γ · Σ_j softmax(w)_j · h_j of all the encoder's layers, mean-pooled over the
    /// tokens, instead of the encoder's pooled vector (BERT: tanh(Dense(h_[CLS]))) of its last layer.</summary>
    public bool LearnScalarMix { get; set; }

    /// <summary>Classify the mean of the last layer's token vectors (over the real tokens) instead of the encoder's pooled
    /// vector (BERT: tanh(Dense(h_[CLS]))). Implied by <see cref="LearnScalarMix"/>.</summary>
    public bool MeanPooling { get; set; }

    /// <summary>Epochs of training the head alone on the encoder's features (computed once, without gradients) before the
    /// whole model is fine-tuned: LP-FT (Kumar et al. 2022, "Fine-Tuning can Distort Pretrained Features and Underperform
    /// Out-of-Distribution"), so that fine-tuning starts from a head that already fits instead of a random one. 0: off.
    /// Ignored with <see cref="FreezeEncoder"/>, where the head trains alone anyway. Default 5, measured for the embedded
    /// MiniLM on leak-free splits (bench/RESULTS.md, issue 14): held-back accuracy SST-2 10,000 rows 0.875 against 0.866
    /// without, TREC-6 1,000 rows 0.950 against 0.902, UCI sentences 1,000 rows 0.905 against 0.887, SST-5 0.439 against
    /// 0.399, long movie reviews 0.675 against 0.615; it costs one pass of the encoder over the training rows.</summary>
    public int LinearProbeEpochs { get; set; } = 5;

    /// <summary>The learning rate of the head-only epochs of <see cref="LinearProbeEpochs"/> (AdamW, constant, no weight decay).</summary>
    public double LinearProbeLearningRate { get; set; } = 1e-3;

    internal override void Validate()
    {
        base.Validate();
        Check(!string.IsNullOrEmpty(LabelColumnName), nameof(LabelColumnName), "LabelColumnName must be specified.");
        Check(!string.IsNullOrEmpty(Sentence1ColumnName), nameof(Sentence1ColumnName), "Sentence1ColumnName must be specified.");
        Check(!string.IsNullOrEmpty(ScoreColumnName), nameof(ScoreColumnName), "ScoreColumnName must be specified.");
        Check(!string.IsNullOrEmpty(PredictedLabelColumnName), nameof(PredictedLabelColumnName), "PredictedLabelColumnName must be specified.");
        Check(LinearProbeEpochs >= 0, nameof(LinearProbeEpochs), $"LinearProbeEpochs is {LinearProbeEpochs}; it must be 0 (off) or more.");
        Check(LinearProbeLearningRate > 0 && double.IsFinite(LinearProbeLearningRate), nameof(LinearProbeLearningRate),
            $"LinearProbeLearningRate is {LinearProbeLearningRate}; it must be a positive number.");
        Check(MaxTokens >= (Sentence2ColumnName == null ? 3 : 4), nameof(MaxTokens), $"MaxTokens is {MaxTokens}; it must leave room for at least one word piece per text.");
    }
}

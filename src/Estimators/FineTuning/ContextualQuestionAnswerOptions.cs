namespace MLNetContextual;

/// <summary>Options of the <c>ContextualQuestionAnswer</c> trainer (extractive QA, BERT's SQuAD recipe).</summary>
public sealed class ContextualQuestionAnswerOptions : FineTuningOptions
{
    /// <summary>Creates the options with BERT's SQuAD defaults (batch 16, 2 epochs) and learning rate 2e-4 (measured for
    /// MiniLM-L6 on held-back SQuAD articles: bench/RESULTS.md, issue 14).</summary>
    public ContextualQuestionAnswerOptions()
    {
        BatchSize = 16;
        MaxEpochs = 2;
        LearningRate = 2e-4;
    }

    /// <summary>The passage (text).</summary>
    public string ContextColumnName { get; set; } = "Context";

    /// <summary>The question (text).</summary>
    public string QuestionColumnName { get; set; } = "Question";

    /// <summary>Training only: the answer (text), a span of the context.</summary>
    public string TrainingAnswerColumnName { get; set; } = "TrainingAnswer";

    /// <summary>Training only: the character index in the context where the answer starts (Int32).</summary>
    public string AnswerIndexColumnName { get; set; } = "AnswerIndex";

    /// <summary>Output: the <see cref="TopK"/> best answers (vector of text, best first).</summary>
    public string PredictedAnswerColumnName { get; set; } = "Answer";

    /// <summary>Output: the answers' probabilities among the n-best candidates (vector of Single).</summary>
    public string ScoreColumnName { get; set; } = "Score";

    /// <summary>Answers returned per question.</summary>
    public int TopK { get; set; } = 3;

    /// <summary>Word pieces per window: [CLS] question [SEP] context part [SEP] (BERT: 384).</summary>
    public int MaxSequenceLength { get; set; } = 384;

    /// <summary>Word pieces between the starts of two windows over a long context (BERT: 128).</summary>
    public int DocumentStride { get; set; } = 128;

    /// <summary>Most word pieces of a question. Training fails on a longer question (naming its row); prediction keeps its
    /// first <c>MaxQueryLength</c> pieces (BERT: 64).</summary>
    public int MaxQueryLength { get; set; } = 64;

    /// <summary>Start and end candidates considered per window (BERT: 20).</summary>
    public int NBestSize { get; set; } = 20;

    /// <summary>Longest answer, in word pieces (BERT: 30).</summary>
    public int MaxAnswerLength { get; set; } = 30;

    internal override void Validate()
    {
        base.Validate();
        foreach (var (value, name) in new[] { (ContextColumnName, nameof(ContextColumnName)), (QuestionColumnName, nameof(QuestionColumnName)),
                     (TrainingAnswerColumnName, nameof(TrainingAnswerColumnName)), (AnswerIndexColumnName, nameof(AnswerIndexColumnName)),
                     (PredictedAnswerColumnName, nameof(PredictedAnswerColumnName)), (ScoreColumnName, nameof(ScoreColumnName)) })
            Check(!string.IsNullOrEmpty(value), name, $"{name} must be specified.");
        Check(TopK >= 1, nameof(TopK), $"TopK is {TopK}; it must be at least 1.");
        Check(NBestSize >= TopK, nameof(NBestSize), $"NBestSize is {NBestSize}; it must be at least TopK ({TopK}).");
        Check(MaxAnswerLength >= 1, nameof(MaxAnswerLength), $"MaxAnswerLength is {MaxAnswerLength}; it must be at least 1.");
        Check(MaxQueryLength >= 1, nameof(MaxQueryLength), $"MaxQueryLength is {MaxQueryLength}; it must be at least 1.");
        Check(MaxSequenceLength >= MaxQueryLength + 4, nameof(MaxSequenceLength),
            $"MaxSequenceLength is {MaxSequenceLength}; it must leave room for [CLS], [SEP], [SEP], the question (MaxQueryLength {MaxQueryLength}) and at least one context piece.");
        Check(DocumentStride >= 1, nameof(DocumentStride), $"DocumentStride is {DocumentStride}; it must be at least 1.");
    }
}

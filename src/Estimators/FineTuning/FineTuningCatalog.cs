using Microsoft.ML;

namespace MLNetContextual;

/// <summary>
/// Fine-tuning trainers on ML.NET's catalogs, named and shaped like ML.NET's TorchSharp trainers (TextClassification,
/// QuestionAnswer) so that switching is a rename. They start from the embedded all-MiniLM-L6-v2 or any BERT-family
/// checkpoint (<see cref="BertCheckpoint"/>); nothing is downloaded.
/// </summary>
public static class FineTuningCatalog
{
    /// <summary>
    /// Fine-tunes a BERT-family encoder to classify text (or text pairs) into the classes of a key-typed label.
    /// Outputs <c>Score</c> (class probabilities) and <c>PredictedLabel</c> (key with the label's key values).
    /// </summary>
    /// <param name="catalog">The multiclass trainers catalog.</param>
    /// <param name="labelColumnName">The key-typed label (use <c>MapValueToKey</c> before the trainer).</param>
    /// <param name="sentence1ColumnName">The text to classify.</param>
    /// <param name="sentence2ColumnName">An optional second text of a pair; null: single texts.</param>
    /// <param name="scoreColumnName">Output: class probabilities.</param>
    /// <param name="predictedLabelColumnName">Output: the predicted class.</param>
    /// <param name="batchSize">Examples per step.</param>
    /// <param name="maxEpochs">Passes over the data.</param>
    public static ContextualTextClassificationTrainer ContextualTextClassification(
        this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string sentence1ColumnName = "Sentence1", string sentence2ColumnName = null,
        string scoreColumnName = "Score", string predictedLabelColumnName = "PredictedLabel", int batchSize = 32, int maxEpochs = 3) =>
        catalog.ContextualTextClassification(new ContextualTextClassificationOptions
        {
            LabelColumnName = labelColumnName, Sentence1ColumnName = sentence1ColumnName, Sentence2ColumnName = sentence2ColumnName,
            ScoreColumnName = scoreColumnName, PredictedLabelColumnName = predictedLabelColumnName, BatchSize = batchSize, MaxEpochs = maxEpochs,
        });

    /// <summary>Multiclass text classification with all settings (<see cref="ContextualTextClassificationOptions"/>).</summary>
    public static ContextualTextClassificationTrainer ContextualTextClassification(
        this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, ContextualTextClassificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ContextualTextClassificationTrainer(CatalogEnvironment.Of(catalog), options, binary: false);
    }

    /// <summary>
    /// Fine-tunes a BERT-family encoder for a Boolean label (sentiment and other two-class tasks). Outputs <c>Score</c>
    /// (the logit), <c>Probability</c> and <c>PredictedLabel</c> (Boolean), which <c>ml.BinaryClassification.Evaluate</c> reads.
    /// </summary>
    /// <param name="catalog">The binary trainers catalog.</param>
    /// <param name="labelColumnName">The Boolean label.</param>
    /// <param name="sentence1ColumnName">The text to classify.</param>
    /// <param name="sentence2ColumnName">An optional second text of a pair; null: single texts.</param>
    /// <param name="batchSize">Examples per step.</param>
    /// <param name="maxEpochs">Passes over the data.</param>
    public static ContextualTextClassificationTrainer ContextualTextClassification(
        this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        string labelColumnName = "Label", string sentence1ColumnName = "Sentence1", string sentence2ColumnName = null,
        int batchSize = 32, int maxEpochs = 3) =>
        catalog.ContextualTextClassification(new ContextualTextClassificationOptions
        {
            LabelColumnName = labelColumnName, Sentence1ColumnName = sentence1ColumnName, Sentence2ColumnName = sentence2ColumnName,
            BatchSize = batchSize, MaxEpochs = maxEpochs,
        });

    /// <summary>Binary text classification with all settings (<see cref="ContextualTextClassificationOptions"/>).</summary>
    public static ContextualTextClassificationTrainer ContextualTextClassification(
        this BinaryClassificationCatalog.BinaryClassificationTrainers catalog, ContextualTextClassificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ContextualTextClassificationTrainer(CatalogEnvironment.Of(catalog), options, binary: true);
    }

    /// <summary>
    /// Fine-tunes a BERT-family encoder for extractive question answering (BERT's SQuAD recipe). Outputs <c>Answer</c>
    /// (the <paramref name="topK"/> best spans of the context, vector of text) and <c>Score</c> (their probabilities).
    /// </summary>
    /// <param name="catalog">The multiclass trainers catalog (where ML.NET keeps its QuestionAnswer trainer).</param>
    /// <param name="contextColumnName">The passage.</param>
    /// <param name="questionColumnName">The question.</param>
    /// <param name="trainingAnswerColumnName">The answer text (training).</param>
    /// <param name="answerIndexColumnName">The answer's character index in the context (training, Int32).</param>
    /// <param name="predictedAnswerColumnName">Output: the best answers.</param>
    /// <param name="scoreColumnName">Output: their probabilities.</param>
    /// <param name="topK">Answers per question.</param>
    /// <param name="batchSize">Windows per step.</param>
    /// <param name="maxEpochs">Passes over the data.</param>
    public static ContextualQuestionAnswerTrainer ContextualQuestionAnswer(
        this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string contextColumnName = "Context", string questionColumnName = "Question", string trainingAnswerColumnName = "TrainingAnswer",
        string answerIndexColumnName = "AnswerIndex", string predictedAnswerColumnName = "Answer", string scoreColumnName = "Score",
        int topK = 3, int batchSize = 16, int maxEpochs = 2) =>
        catalog.ContextualQuestionAnswer(new ContextualQuestionAnswerOptions
        {
            ContextColumnName = contextColumnName, QuestionColumnName = questionColumnName, TrainingAnswerColumnName = trainingAnswerColumnName,
            AnswerIndexColumnName = answerIndexColumnName, PredictedAnswerColumnName = predictedAnswerColumnName, ScoreColumnName = scoreColumnName,
            TopK = topK, BatchSize = batchSize, MaxEpochs = maxEpochs,
        });

    /// <summary>Extractive question answering with all settings (<see cref="ContextualQuestionAnswerOptions"/>).</summary>
    public static ContextualQuestionAnswerTrainer ContextualQuestionAnswer(
        this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, ContextualQuestionAnswerOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ContextualQuestionAnswerTrainer(CatalogEnvironment.Of(catalog), options);
    }
}

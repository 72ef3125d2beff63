using Microsoft.ML;

namespace MLNetContextual.Cli;

/// <summary>The pipelines mlnetctx trains; the input columns are always "Text" and "Label".</summary>
public static class Pipelines
{
    /// <summary>
    /// The label preparation (multiclass: text classes to keys; fitted on the training data, not saved, so that
    /// prediction needs only the text) and the model that is saved.
    /// </summary>
    public static (IEstimator<ITransformer> Labels, IEstimator<ITransformer> Model) Create(MLContext ml, bool binary, TrainingMode mode, int epochs)
    {
        var labels = binary ? null : ml.Transforms.Conversion.MapValueToKey("Label");
        IEstimator<ITransformer> model = (binary, mode) switch
        {
            (true, TrainingMode.Features) => ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text")
                .AppendCacheCheckpoint(ml)
                .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression()),
            (false, TrainingMode.Features) => ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text")
                .AppendCacheCheckpoint(ml)
                .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy())
                .Append(KeyToText(ml)),
            (true, TrainingMode.FineTune) => ml.BinaryClassification.Trainers.ContextualTextClassification(
                labelColumnName: "Label", sentence1ColumnName: "Text", maxEpochs: epochs),
            (false, TrainingMode.FineTune) => ml.MulticlassClassification.Trainers.ContextualTextClassification(
                    labelColumnName: "Label", sentence1ColumnName: "Text", maxEpochs: epochs)
                .Append(KeyToText(ml)),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), $"Unknown mode {mode}; valid: {string.Join(", ", Enum.GetNames<TrainingMode>())}."),
        };
        return (labels, model);
    }

    // Users get the class as text in PredictedLabel; the key stays in PredictedLabelKey for Evaluate.
    private static IEstimator<ITransformer> KeyToText(MLContext ml) =>
        ml.Transforms.CopyColumns("PredictedLabelKey", "PredictedLabel")
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
}

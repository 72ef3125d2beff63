namespace MLNetContextual;

/// <summary>A report of <see cref="ContextualTopicModelEstimator"/> after an epoch.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="MaxEpochs">Epochs planned (early stopping may end sooner).</param>
/// <param name="Loss">Mean negative ELBO per training document in this epoch (reconstruction + KL).</param>
/// <param name="ValidationLoss">Mean negative ELBO per validation document; null without a validation split.</param>
/// <param name="DocumentsPerSecond">Training documents per second in this epoch.</param>
public sealed record ContextualTopicModelProgress(int Epoch, int MaxEpochs, double Loss, double? ValidationLoss, double DocumentsPerSecond)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"epoch {Epoch}/{MaxEpochs}: loss {Loss:F3}" + (ValidationLoss is double v ? $", validation loss {v:F3}" : "") + $", {DocumentsPerSecond:F0} documents/s";
}

/// <summary>What fitting a contextualized topic model did (not saved with the model).</summary>
/// <param name="Documents">Rows read.</param>
/// <param name="EmptyDocuments">Rows with no vocabulary word after preprocessing; left out of training (as the reference's
/// preprocessing drops them). They still get a topic vector from the transformer.</param>
/// <param name="TrainingDocuments">Documents trained on.</param>
/// <param name="ValidationDocuments">Documents held back for the validation loss.</param>
/// <param name="EpochsRun">Epochs trained.</param>
/// <param name="KeptEpoch">The epoch whose weights were kept (the last one without validation).</param>
/// <param name="Seconds">Wall time of Fit (both passes over the data and training).</param>
/// <param name="Losses">Mean training loss per epoch.</param>
/// <param name="ValidationLosses">Mean validation loss per epoch (empty without validation).</param>
public sealed record ContextualTopicModelSummary(int Documents, int EmptyDocuments, int TrainingDocuments, int ValidationDocuments,
    int EpochsRun, int KeptEpoch, double Seconds, IReadOnlyList<double> Losses, IReadOnlyList<double> ValidationLosses);

namespace MLNetContextual;

/// <summary>A progress report of a fine-tuning trainer.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Step">Optimisation steps done so far, over all epochs.</param>
/// <param name="TotalSteps">Steps planned (early stopping may end sooner).</param>
/// <param name="Loss">Mean training loss since the last report (NaN in an end-of-epoch validation report).</param>
/// <param name="ExamplesPerSecond">Training examples (QA: windows) per second since the last report.</param>
/// <param name="LearningRate">The learning rate of the last step.</param>
/// <param name="ValidationMetric">At the end of an epoch with a validation set: accuracy (classification) or SQuAD F1
/// (question answering); otherwise null.</param>
public sealed record FineTuningProgress(int Epoch, int Step, int TotalSteps, double Loss, double ExamplesPerSecond,
    double LearningRate, double? ValidationMetric)
{
    /// <inheritdoc />
    public override string ToString() => ValidationMetric is double v
        ? $"epoch {Epoch} done at step {Step}/{TotalSteps}: validation {v:F4}"
        : $"epoch {Epoch} step {Step}/{TotalSteps}: loss {Loss:F4}, {ExamplesPerSecond:F1} examples/s, lr {LearningRate:G3}";
}

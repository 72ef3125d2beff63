namespace MLNetContextual;

/// <summary>A progress report of <c>LearnUniversalSentenceEncoder</c>'s training.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Step">Steps done so far, over all epochs.</param>
/// <param name="TotalSteps">Steps planned.</param>
/// <param name="Loss">Mean training loss (over all tasks) since the last report; NaN in an end-of-epoch report.</param>
/// <param name="TaskLosses">Mean loss per task since the last report (tasks not drawn are absent).</param>
/// <param name="ValidationSpearman">At the end of an epoch with validation pairs: Spearman of the cosine similarity; otherwise null.</param>
/// <param name="ValidationAngularSpearman">The same for the angular similarity (equal up to ties: arccos is monotonic).</param>
public sealed record UseTrainingProgress(int Epoch, int Step, int TotalSteps, double Loss, IReadOnlyDictionary<string, double> TaskLosses,
    double? ValidationSpearman, double? ValidationAngularSpearman)
{
    /// <inheritdoc />
    public override string ToString() => ValidationSpearman is double v
        ? $"epoch {Epoch} done at step {Step}/{TotalSteps}: validation Spearman {v:F4} (angular {ValidationAngularSpearman:F4})"
        : $"epoch {Epoch} step {Step}/{TotalSteps}: loss {Loss:F4} ({string.Join(", ", TaskLosses.Select(kv => $"{kv.Key} {kv.Value:F4}"))})";
}

/// <summary>What one epoch of training gave.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Loss">Mean training loss over the epoch's steps.</param>
/// <param name="ValidationSpearman">Spearman of the cosine similarity on the validation pairs; null without them.</param>
public sealed record UseEpochSummary(int Epoch, double Loss, double? ValidationSpearman);

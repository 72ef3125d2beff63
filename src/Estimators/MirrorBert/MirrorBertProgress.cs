namespace MLNetContextual;

/// <summary>Progress of a Mirror-BERT fit, reported every <see cref="MirrorBertOptions.ProgressInterval"/> steps and at
/// the end of each epoch.</summary>
/// <param name="Epoch">The epoch (1-based).</param>
/// <param name="Step">Steps done, over all epochs.</param>
/// <param name="TotalSteps">Steps of the whole fit.</param>
/// <param name="Loss">Mean InfoNCE loss of the steps since the last report.</param>
/// <param name="StringsPerSecond">Strings (each with its twin) trained per second since the last report.</param>
public sealed record MirrorBertProgress(int Epoch, int Step, int TotalSteps, double Loss, double StringsPerSecond)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"epoch {Epoch}, step {Step}/{TotalSteps}, loss {Loss:F4}, {StringsPerSecond:F1} strings/s";
}

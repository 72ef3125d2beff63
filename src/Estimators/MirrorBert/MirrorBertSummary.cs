namespace MLNetContextual;

/// <summary>What a Mirror-BERT fit did; saved with the model.</summary>
/// <param name="Encoder">Name of the encoder trained from.</param>
/// <param name="Rows">Strings trained on.</param>
/// <param name="SkippedRows">Rows whose text was null, empty or white space only (not trained on).</param>
/// <param name="MaskedRows">Strings long enough to be span-masked (at least MinMaskLength characters).</param>
/// <param name="Epochs">Epochs run.</param>
/// <param name="StepLosses">The InfoNCE loss of every step, in order.</param>
/// <param name="Seconds">Wall time of the training loop.</param>
/// <param name="Seed">The seed used (shuffle, masks, dropout).</param>
/// <param name="OnnxGraph">How the prediction graph was made ("the source graph with fine-tuned weights" or "written from
/// the configuration").</param>
public sealed record MirrorBertSummary(string Encoder, int Rows, int SkippedRows, int MaskedRows, int Epochs,
    IReadOnlyList<float> StepLosses, double Seconds, int Seed, string OnnxGraph);

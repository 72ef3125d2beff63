namespace MLNetContextual;

/// <summary>Where context2vec training stands.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Batch">Batches done in this epoch.</param>
/// <param name="Batches">Batches in the epoch.</param>
/// <param name="TrainLoss">Mean negative-sampling loss per word (−log σ(t·c) − Σ_k log σ(−n_k·c)) over the batches since the last report.</param>
/// <param name="WordsPerSecond">Words (slots) trained per second since the epoch began.</param>
/// <param name="ValidationLoss">The same loss on the validation text at the end of an epoch, with negatives drawn from a
/// fixed seed (so epochs compare); null otherwise or without validation text.</param>
/// <param name="EpochDone">Whether this report ends an epoch.</param>
public sealed record Context2VecTrainingProgress(int Epoch, int Batch, int Batches, double TrainLoss, double WordsPerSecond,
    double? ValidationLoss, bool EpochDone);

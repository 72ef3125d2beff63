namespace MLNetContextual;

/// <summary>Where ELMo pre-training stands.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Batch">Batches done in this epoch.</param>
/// <param name="Batches">Batches in the epoch.</param>
/// <param name="TrainPerplexity">exp of the mean training loss (sampled softmax: an estimate) over the batches since the last report.</param>
/// <param name="TokensPerSecond">Tokens (per direction) trained per second since the epoch began.</param>
/// <param name="ValidationPerplexity">Full-softmax perplexity (mean of both directions' losses) on the validation text, at the end of an epoch; null otherwise or without validation text.</param>
/// <param name="EpochDone">Whether this report ends an epoch.</param>
public sealed record ElmoTrainingProgress(int Epoch, int Batch, int Batches, double TrainPerplexity, double TokensPerSecond,
    double? ValidationPerplexity, bool EpochDone);

namespace MLNetContextual;

/// <summary>Progress of <c>LearnCove</c>'s translation training: reported every few batches and after each epoch.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Batch">Batches done in this epoch.</param>
/// <param name="Loss">Mean cross-entropy per German token (nats) over the batches since the last report.</param>
/// <param name="ValidationPerplexity">exp(mean cross-entropy per German token) on the validation pairs, after an epoch; null otherwise or without them.</param>
/// <param name="LearningRate">The learning rate in use.</param>
/// <param name="EndOfEpoch">Whether this report closes an epoch.</param>
public sealed record CoveTrainingProgress(int Epoch, int Batch, double Loss, double? ValidationPerplexity, double LearningRate, bool EndOfEpoch);

namespace MLNetContextual;

/// <summary>Where Cross-View Training stands (reported after every epoch, and every <c>ProgressInterval</c> labelled minibatches).</summary>
/// <param name="Epoch">1-based epoch (one pass over the labelled sentences).</param>
/// <param name="Batch">Labelled minibatches done in this epoch.</param>
/// <param name="Batches">Labelled minibatches in the epoch.</param>
/// <param name="Step">Optimiser steps so far (labelled and unlabelled minibatches both count, as the reference's global step).</param>
/// <param name="SupervisedLoss">Mean cross-entropy of the primary module per labelled minibatch since the last report.</param>
/// <param name="ConsistencyLoss">Mean consistency loss (summed over the auxiliary modules) per unlabelled minibatch
/// since the last report; null when training is supervised only.</param>
/// <param name="SentencesPerSecond">Sentences (labelled and unlabelled) trained per second since the epoch began.</param>
/// <param name="ValidationAccuracy">Token accuracy on the validation set at the end of an epoch; null otherwise or without one.</param>
/// <param name="ValidationF1">Entity-level F1 on the validation set (chunks of IOB1/IOB2/BIOES tags, as conlleval) at the
/// end of an epoch; null otherwise, without validation, or when the tags are not of the B-/I- kind.</param>
/// <param name="EpochDone">Whether this report ends an epoch.</param>
public sealed record CrossViewTrainingProgress(int Epoch, int Batch, int Batches, long Step, double SupervisedLoss, double? ConsistencyLoss,
    double SentencesPerSecond, double? ValidationAccuracy, double? ValidationF1, bool EpochDone);

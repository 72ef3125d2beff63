using Microsoft.ML;
using MLNetContextual.Tests.FineTuning;

namespace MLNetContextual.Tests.Cove;

/// <summary>CoVe as the frozen encoder of the classification trainer with a learned mix over [GloVe; 0], [GloVe; h_1],
/// [GloVe; h_2], and fine-tuned: the trainers take it as any trainable token encoder.</summary>
[Collection(TorchTrainingCollection.Name)]
public class CoveClassifierTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Cove_InTheClassificationTrainer_TrainsAndRoundTrips(bool freeze)
    {
        var ml = new MLContext(seed: 1);
        var options = new ContextualTextClassificationOptions
        {
            Encoder = TinyCove.Encoder, FreezeEncoder = freeze, LearnScalarMix = freeze, BatchSize = 8, MaxEpochs = 2,
            LearningRate = 1e-2, MaxTokens = 16, NumberOfThreads = 1, HeadDropout = 0,
        };
        var trainer = ml.BinaryClassification.Trainers.ContextualTextClassification(options);
        var (model, path) = EstimatorChecks.RoundTrip<ToyData.SentimentRow, TextClassificationTests.BinaryOutput>(trainer, ToyData.Sentiment(), ml: ml);
        File.Delete(path);
        var t = (ContextualTextClassificationTransformer)model;
        if (freeze)
        {
            Assert.Equal(3, t.LayerMix.Weights.Count);
            Assert.Contains(t.LayerMix.Weights, w => Math.Abs(w) > 1e-6);
        }
        t.Dispose();
    }
}

using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetContextual.Tests.FineTuning;

namespace MLNetContextual.Tests.Seam;

/// <summary>A fine-tuned classifier's encoder is an encoder like any other: the transforms apply it, and it saves and
/// loads; a frozen encoder with a learned scalar mix (the feature-based recipe) trains only the head and the mix.</summary>
[Collection(TorchTrainingCollection.Name)]
public class FineTunedEncoderTests
{
    public sealed class Vector32
    {
        [VectorType(32)]
        public float[] Features { get; set; }
    }

    private static List<float[]> Embed(MLContext ml, ContextualEncoder encoder, LayerSelection layers = null)
    {
        var data = ml.Data.LoadFromEnumerable(ToyData.Sentiment());
        var options = new ContextualEmbeddingOptions { Encoder = encoder, MaxTokens = 16, Layers = layers ?? LayerSelection.Last };
        using var t = ml.Transforms.Text.ApplyContextualEmbedding("Features", "Sentence1", options).Fit(data);
        return ml.Data.CreateEnumerable<Vector32>(t.Transform(data), false).Select(r => r.Features).ToList();
    }

    [Fact]
    public void FineTunedEncoder_AppliedByApplyContextualEmbedding_RoundTripsAndDiffersFromStart()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(ToyData.Sentiment());
        using var classifier = ml.BinaryClassification.Trainers.ContextualTextClassification(TextClassificationTests.Options(epochs: 3)).Fit(data);
        var tuned = classifier.Encoder;
        Assert.Equal("bert-torch", tuned.Kind);

        var options = new ContextualEmbeddingOptions { Encoder = tuned, MaxTokens = 16 };
        var (model, path) = EstimatorChecks.RoundTrip<ToyData.SentimentRow, Vector32>(
            ml.Transforms.Text.ApplyContextualEmbedding("Features", "Sentence1", options), ToyData.Sentiment(), ml: ml);
        File.Delete(path);
        ((IDisposable)model).Dispose();
        Assert.NotEqual(Embed(ml, TextClassificationTests.Tiny)[0], Embed(ml, tuned)[0]);
    }

    [Fact]
    public void FrozenEncoder_WithLearnedScalarMix_TrainsOnlyHeadAndMix_AndRoundTrips()
    {
        var ml = new MLContext(seed: 1);
        var options = TextClassificationTests.Options(epochs: 5);
        MLNetContextual.Torch.TorchRuntime.EnsureLoaded();
        using (var start = TextClassificationTests.Tiny.CreateModule())
            options.Encoder = TextClassificationTests.Tiny.WithWeights(start);   // fixed weights to compare against
        options.FreezeEncoder = true;
        options.LearnScalarMix = true;
        options.LearningRate = 1e-2;
        var trainer = ml.BinaryClassification.Trainers.ContextualTextClassification(options);
        var (model, path) = EstimatorChecks.RoundTrip<ToyData.SentimentRow, TextClassificationTests.BinaryOutput>(trainer, ToyData.Sentiment(), ml: ml);
        var classifier = (ContextualTextClassificationTransformer)model;
        try
        {
            Assert.True(classifier.FreezeEncoder);
            // The encoder's weights did not move: the same vectors as the untrained encoder it started from.
            var before = Embed(ml, options.Encoder);
            var after = Embed(ml, classifier.Encoder);
            for (int r = 0; r < before.Count; r++)
                Assert.Equal(before[r], after[r]);
            // The mix did: 3 learned weights (embeddings + 2 layers), usable as fixed weights by the transforms.
            var mix = classifier.LayerMix;
            Assert.True(mix.IsAll);
            Assert.Equal(3, mix.Weights.Count);
            Assert.Contains(mix.Weights, w => w != 0f);
            Assert.Equal(32, Embed(ml, classifier.Encoder, mix)[0].Length);
            var reloaded = (ContextualTextClassificationTransformer)new MLContext().Model.Load(path, out _);
            Assert.Equal(mix.Weights, reloaded.LayerMix.Weights);
            reloaded.Dispose();
        }
        finally
        {
            File.Delete(path);
            classifier.Dispose();
        }
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public void FrozenFeatures_ThenHead_EqualTheFullForward(bool mix, bool mean)
    {
        MLNetContextual.Torch.TorchRuntime.EnsureLoaded();
        TorchSharp.torch.random.manual_seed(3);
        var tokenizer = TextClassificationTests.Tiny.CreateTokenizer();
        var batch = ToyData.Sentiment().Take(6).Select(r => tokenizer.Encode(r.Sentence1, null, 16)).ToArray();
        using var model = new SequenceClassifier(TextClassificationTests.Tiny.CreateModule(), 3, 0.0, mix, frozen: true, meanPooling: mean);
        model.eval();
        using var direct = model.forward(batch);
        using var features = model.FrozenFeatures(batch);
        using var cached = model.ForwardFeatures(features);
        Assert.True(direct.allclose(cached, rtol: 1e-5, atol: 1e-6));
    }
}

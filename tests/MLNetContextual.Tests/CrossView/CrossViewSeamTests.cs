using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetContextual.Tests.FineTuning;

namespace MLNetContextual.Tests.CrossView;

/// <summary>The tagger and its encoder through ML.NET and the seam: fit → transform → save → load → PredictionEngine,
/// the token and pooled transforms over the learned encoder, and a saved zip tagging in a fresh process without libtorch.</summary>
[Collection(TorchTrainingCollection.Name)]
public class CrossViewSeamTests
{
    public sealed class TokenOutput
    {
        public float[] Features { get; set; }
        public string[] FeaturesTokens { get; set; }
    }

    public sealed class PooledOutput
    {
        [VectorType]
        public float[] Features { get; set; }
    }

    public sealed class NumberRow
    {
        public string Text { get; set; }
        public float Tags { get; set; }
    }

    [Fact]
    public void LearnCrossViewTagger_FitTransformSaveLoad_PredictionEngineIdentical()
    {
        var ml = new MLContext(seed: 1);
        var options = TinyCrossView.Options(epochs: 3);
        options.UnlabelledSet = ml.Data.LoadFromEnumerable(TinyCrossView.Sentences(20, 7).Select(r => new TinyCrossView.TextRow { Text = r.Text }));
        var rows = TinyCrossView.Sentences(40, 5).Append(new TinyCrossView.Row { Text = "", Tags = "" }).ToArray();
        var invalid = ml.Data.LoadFromEnumerable(new[] { new NumberRow { Text = "a", Tags = 1 } });
        var (model, path) = EstimatorChecks.RoundTrip<TinyCrossView.Row, TinyCrossView.Tagged>(ml.Transforms.Text.LearnCrossViewTagger(options), rows, invalid);
        var tagger = (CrossViewTaggerTransformer)model;
        var output = ml.Data.CreateEnumerable<TinyCrossView.Tagged>(tagger.Transform(ml.Data.LoadFromEnumerable(rows)), false).ToArray();
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.Equal(CrossViewTokenizer.Tokens(rows[i].Text), output[i].PredictedTagsTokens ?? []);   // ML.NET reads an empty vector as null
            Assert.Equal(output[i].PredictedTagsTokens?.Length ?? 0, output[i].PredictedTags?.Length ?? 0);
            Assert.All(output[i].PredictedTags ?? [], t => Assert.Contains(t, tagger.Tags));
        }
        Assert.Equal(["DET", "NOUN", "PUNCT", "VERB"], tagger.Tags);
        File.Delete(path);
    }

    [Fact]
    public void TokenVectorInput_TagsTheTokensAsGiven()
    {
        var ml = new MLContext(seed: 1);
        var rows = new[] { new VectorRow { Tokens = ["the", "dog", "saw", "a", "cat"] }, new VectorRow { Tokens = [] } };
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = new CrossViewTaggerTransformer("Tokens", "Out", "OutTokens", TinyCrossView.Encoder);
        var output = ml.Data.CreateEnumerable<VectorOutput>(model.Transform(data), false).ToArray();
        Assert.Equal(TinyCrossView.Encoder.Tag(rows[0].Tokens), output[0].Out);
        Assert.Equal(rows[0].Tokens, output[0].OutTokens);
        Assert.Empty(output[1].Out ?? []);
    }

    public sealed class VectorRow
    {
        public string[] Tokens { get; set; }
    }

    public sealed class VectorOutput
    {
        public string[] Out { get; set; }
        public string[] OutTokens { get; set; }
    }

    [Fact]
    public void Encoder_AppliesAsATokenEncoder_AndRoundTrips()
    {
        var ml = new MLContext(seed: 1);
        var rows = new[] { "the dog saw a cat .", "my girl likes unseenword", "", "x" }.Select(t => new TinyCrossView.TextRow { Text = t }).ToArray();
        var token = ml.Transforms.Text.ApplyContextualTokenEmbedding("Features", "Text", new ContextualTokenEmbeddingOptions { Encoder = TinyCrossView.Encoder });
        var (_, tokenZip) = EstimatorChecks.RoundTrip<TinyCrossView.TextRow, TokenOutput>(token, rows);
        File.Delete(tokenZip);
        var output = ml.Data.CreateEnumerable<TokenOutput>(token.Fit(ml.Data.LoadFromEnumerable(rows)).Transform(ml.Data.LoadFromEnumerable(rows)), false).ToArray();
        Assert.Equal(["the", "dog", "saw", "a", "cat", "."], output[0].FeaturesTokens);
        Assert.Equal(6 * TinyCrossView.Encoder.Dimension, output[0].Features.Length);
        Assert.Empty(output[2].FeaturesTokens ?? []);
        var pooled = ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text", new ContextualEmbeddingOptions { Encoder = TinyCrossView.Encoder });
        var (_, pooledZip) = EstimatorChecks.RoundTrip<TinyCrossView.TextRow, PooledOutput>(pooled, rows);
        File.Delete(pooledZip);
    }

    [Fact]
    public void Session_ARowsVectorsDoNotDependOnItsBatch()
    {
        using var session = (ITokenEncoder)TinyCrossView.Encoder.Open(new ContextualTokenEmbeddingOptions { Encoder = TinyCrossView.Encoder, IntraOpThreads = 2 });
        var texts = new[] { "short one", "the girl likes the bird and the boy watch a house .", "a dog", "the cat sees" };
        var encoded = texts.Select(t => session.Encode(t)).ToArray();
        var together = new float[texts.Length][];
        session.Run(encoded, [0], (i, s) => together[i] = s.Layer(0).ToArray());
        for (int i = 0; i < texts.Length; i++)
        {
            float[] alone = null;
            session.Run([encoded[i]], [0], (_, s) => alone = s.Layer(0).ToArray());
            Assert.Equal(alone, together[i]);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => session.Run(encoded, [1], (_, _) => { }));
    }
}

/// <summary>A saved tagger tags in a fresh process without loading libtorch.</summary>
[Collection(TorchTrainingCollection.Name)]
public class CrossViewFreshProcessTests
{
    [Fact]
    public void SavedTagger_TagsInAFreshProcess_WithoutLibTorch()
    {
        var ml = new MLContext(seed: 1);
        var texts = new[] { "the dog saw a cat .", "a girl reads zzzz ü", "" };
        var data = ml.Data.LoadFromEnumerable(texts.Select(t => new TinyCrossView.TextRow { Text = t }));
        using var dir = new TempFolder();
        ml.Model.Save(TinyCrossView.Model, data.Schema, dir.File("model.zip"));
        var expected = texts.Select(t => TinyCrossView.Encoder.Tag(t).Tags).ToArray();
        var actual = FreshProcess.TransformTexts(dir.File("model.zip"), texts, "PredictedTags", out var libraries);
        Assert.Equal(expected, actual);
        FreshProcess.AssertNoLibTorch(libraries);
    }
}

/// <summary>The tagger's encoder as the frozen encoder of the classification trainer (its TorchSharp module through the trainable seam).</summary>
[Collection(TorchTrainingCollection.Name)]
public class CrossViewClassifierTests
{
    [Fact]
    public void FrozenCrossViewEncoder_TrainsAClassifier_AndRoundTrips()
    {
        var ml = new MLContext(seed: 1);
        var options = new ContextualTextClassificationOptions
        {
            Encoder = TinyCrossView.Encoder, FreezeEncoder = true, BatchSize = 8, MaxEpochs = 2, LearningRate = 1e-2, MaxTokens = 16,
            NumberOfThreads = 1, HeadDropout = 0,
        };
        var trainer = ml.BinaryClassification.Trainers.ContextualTextClassification(options);
        var (model, path) = EstimatorChecks.RoundTrip<ToyData.SentimentRow, TextClassificationTests.BinaryOutput>(trainer, ToyData.Sentiment(), ml: ml);
        File.Delete(path);
        var t = (ContextualTextClassificationTransformer)model;
        Assert.IsType<CrossViewEncoder>(t.Encoder);
        t.Dispose();
    }
}

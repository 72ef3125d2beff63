using Microsoft.Extensions.AI;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetContextual.Tests.Elmo;
using MLNetContextual.Tests.FineTuning;

namespace MLNetContextual.Tests.Context2Vec;

/// <summary>context2vec through the encoder seam: LearnContext2Vec and every transform round-trip through the zip and a
/// PredictionEngine; the generator works; the reloaded encoder substitutes as the trained one.</summary>
[Collection(TorchTrainingCollection.Name)]
public class Context2VecSeamTests
{
    public sealed class TokenOutput
    {
        public float[] Features { get; set; }
        public string[] FeaturesTokens { get; set; }
        public int[] FeaturesStarts { get; set; }
        public int[] FeaturesLengths { get; set; }
    }

    public sealed class PooledOutput
    {
        [VectorType(16)]
        public float[] Features { get; set; }
    }

    public sealed class WordRow
    {
        [VectorType(16)]
        public float[] WordVector { get; set; }
    }

    private static readonly TinyContext2Vec.TextRow[] Rows =
    [
        new() { Text = "The cat drinks milk." },
        new() { Text = "" },
        new() { Text = null },
        new() { Text = "A girl reads zzzz books every morning, today!" },
    ];

    [Fact]
    public void LearnContext2Vec_FitTransformSaveLoadPredict()
    {
        var ml = new MLContext(seed: 1);
        var corpus = TinyContext2Vec.Corpus().Concat(Rows).ToArray();
        var invalid = ml.Data.LoadFromEnumerable(new[] { new { Text = 3f } });
        var (model, path) = EstimatorChecks.RoundTrip<TinyContext2Vec.TextRow, TokenOutput>(
            ml.Transforms.Text.LearnContext2Vec(TinyContext2Vec.Options(epochs: 1)), corpus, invalidData: invalid, ml: ml);
        var t = (ContextualTokenEmbeddingTransformer)model;
        var loaded = (ContextualTokenEmbeddingTransformer)new MLContext(seed: 5).Model.Load(path, out _);
        File.Delete(path);
        var view = model.Transform(ml.Data.LoadFromEnumerable(Rows));
        var rows = ml.Data.CreateEnumerable<TokenOutput>(view, false).ToList();
        Assert.Equal(["the", "cat", "drinks", "milk", "."], rows[0].FeaturesTokens.Select(s => s.ToLowerInvariant()));
        Assert.Equal("The", rows[0].FeaturesTokens[0]);       // the text's own spelling is kept; the lookup lower-cases
        Assert.Equal(5 * 16, rows[0].Features.Length);
        Assert.True(rows[1].Features is null or { Length: 0 });     // empty text: no words, no vectors
        Assert.True(rows[2].Features is null or { Length: 0 });     // missing text reads as empty
        Assert.All(rows[3].Features, f => Assert.True(float.IsFinite(f)));
        // the reloaded encoder is the same model
        var c2v = Assert.IsType<Context2VecEncoder>(loaded.Encoder);
        Assert.Equal(((Context2VecEncoder)t.Encoder).Vocabulary, c2v.Vocabulary);
        Assert.Equal(t.Substitutes("the dog eats bread .", 3), loaded.Substitutes("the dog eats bread .", 3));
        t.Dispose();
        loaded.Dispose();
    }

    [Fact]
    public void ApplyContextualEmbedding_Pooled_AndWordEmbedding_RoundTrip()
    {
        var ml = new MLContext(seed: 1);
        var encoder = TinyContext2Vec.Encoder;
        var (pooled, p1) = EstimatorChecks.RoundTrip<TinyContext2Vec.TextRow, PooledOutput>(
            ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text", new ContextualEmbeddingOptions { Encoder = encoder }), Rows, ml: ml);
        File.Delete(p1);
        var vectors = ml.Data.CreateEnumerable<PooledOutput>(pooled.Transform(ml.Data.LoadFromEnumerable(Rows)), false).ToList();
        Assert.All(vectors, v => Assert.All(v.Features, f => Assert.True(float.IsFinite(f))));
        // empty text: the mean of the two insertion slots (<BOS>, <EOS>), which are the same context there
        Assert.Contains(vectors[1].Features, f => f != 0);
        Assert.Equal(vectors[1].Features, vectors[2].Features);
        ((IDisposable)pooled).Dispose();

        var spans = new[]
        {
            WordEmbeddingTests.SpanRow.Of("the cat drinks milk today .", "milk"),
            WordEmbeddingTests.SpanRow.Of("the cat eats bread today .", "bread"),
        };
        var (word, p2) = EstimatorChecks.RoundTrip<WordEmbeddingTests.SpanRow, WordRow>(
            ml.Transforms.Text.ApplyContextualWordEmbedding("WordVector", "Text", options: new ContextualWordEmbeddingOptions { Encoder = encoder }), spans, ml: ml);
        File.Delete(p2);
        var w = ml.Data.CreateEnumerable<WordRow>(word.Transform(ml.Data.LoadFromEnumerable(spans)), false).ToList();
        Assert.Equal(encoder.ContextVectors("the cat drinks milk today .")[3], w[0].WordVector);
        ((IDisposable)word).Dispose();
    }

    [Fact]
    public void EmbeddingGenerator_Works()
    {
        using var generator = new ContextualEmbeddingGenerator(new ContextualEmbeddingOptions { Encoder = TinyContext2Vec.Encoder });
        var result = generator.GenerateAsync(["the cat drinks milk", "a girl reads books"]).GetAwaiter().GetResult();
        Assert.Equal(2, result.Count);
        Assert.Equal(16, result[0].Vector.Length);
    }

    [Fact]
    public void Session_ARowsVectorsDoNotDependOnItsBatch()
    {
        var options = new ContextualTokenEmbeddingOptions { Encoder = TinyContext2Vec.Encoder, IntraOpThreads = 2 };
        using var session = (ITokenEncoder)TinyContext2Vec.Encoder.Open(options);
        var texts = new[] { "short one", "the cat drinks milk every morning .", "a girl reads", "the dog eats bread" };
        var encoded = texts.Select(t => session.Encode(t)).ToArray();
        var together = new float[texts.Length][];
        session.Run(encoded, [0], (i, s) => together[i] = s.Layer(0).ToArray());
        for (int i = 0; i < texts.Length; i++)
        {
            float[] alone = null;
            session.Run([encoded[i]], [0], (_, s) => alone = s.Layer(0).ToArray());
            Assert.Equal(alone, together[i]);
        }
        Assert.Equal(1, session.LayerCount);
        Assert.Throws<ArgumentOutOfRangeException>(() => session.Run(encoded, [1], (_, _) => { }));
    }
}

/// <summary>A saved context2vec pipeline loads in a fresh process and predicts without loading libtorch (managed inference).</summary>
[Collection(TorchTrainingCollection.Name)]
public class Context2VecFreshProcessTests
{
    [Fact]
    public void SavedModel_PredictsInAFreshProcess_WithoutLibTorch()
    {
        var ml = new MLContext(seed: 1);
        var texts = new[] { "the cat drinks milk every morning .", "a girl reads zzzz", "" };
        var data = ml.Data.LoadFromEnumerable(texts.Select(t => new TinyContext2Vec.TextRow { Text = t }));
        using var model = ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text", new ContextualEmbeddingOptions { Encoder = TinyContext2Vec.Encoder }).Fit(data);
        using var dir = new TempFolder();
        ml.Model.Save(model, data.Schema, dir.File("model.zip"));
        var expected = ml.Data.CreateEnumerable<Context2VecSeamTests.PooledOutput>(model.Transform(data), false).Select(r => r.Features).ToArray();
        var actual = FreshProcess.Transform(dir.File("model.zip"), texts, "Features", out var libraries);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], actual[i]);
        FreshProcess.AssertNoLibTorch(libraries);
    }
}

/// <summary>context2vec as the frozen encoder of the classification trainer (its TorchSharp module through the trainable seam).</summary>
[Collection(TorchTrainingCollection.Name)]
public class Context2VecClassifierTests
{
    [Fact]
    public void FrozenContext2Vec_TrainsAClassifier_AndRoundTrips()
    {
        var ml = new MLContext(seed: 1);
        var options = new ContextualTextClassificationOptions
        {
            Encoder = TinyContext2Vec.Encoder, FreezeEncoder = true, BatchSize = 8, MaxEpochs = 2, LearningRate = 1e-2, MaxTokens = 16,
            NumberOfThreads = 1, HeadDropout = 0,
        };
        var trainer = ml.BinaryClassification.Trainers.ContextualTextClassification(options);
        var (model, path) = EstimatorChecks.RoundTrip<ToyData.SentimentRow, TextClassificationTests.BinaryOutput>(trainer, ToyData.Sentiment(), ml: ml);
        File.Delete(path);
        var t = (ContextualTextClassificationTransformer)model;
        Assert.IsType<Context2VecEncoder>(t.Encoder);
        t.Dispose();
    }
}

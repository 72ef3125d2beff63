using Microsoft.Extensions.AI;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetContextual.Tests.FineTuning;

namespace MLNetContextual.Tests.Elmo;

/// <summary>ELMo through the encoder seam: every transform, the generator, the zip and the classification trainer work
/// with it without ELMo-specific code.</summary>
public class ElmoSeamTests
{
    public sealed class TextRow
    {
        public string Text { get; set; }
    }

    public sealed class FeaturesRow
    {
        [VectorType(16)]
        public float[] Features { get; set; }
    }

    public sealed class WordRow
    {
        [VectorType(16)]
        public float[] WordVector { get; set; }
    }

    private static readonly TextRow[] Rows =
    [
        new() { Text = "The cat sat on the mat." },
        new() { Text = "A bank by the river, where we sat." },
        new() { Text = "" },
        new() { Text = "Supercalifragilisticexpialidocious words are truncated to the character limit!" },
    ];

    private static ContextualEmbeddingOptions Options(LayerSelection layers = null) => new()
    {
        Encoder = TinyElmo.Encoder, Layers = layers ?? LayerSelection.All([0.5f, -0.2f, 0.1f], gamma: 1.5f), BatchSize = 3,
    };

    [Fact]
    public void ApplyContextualEmbedding_ScalarMix_RoundTripsThroughTheZip()
    {
        var ml = new MLContext(seed: 1);
        var (model, path) = EstimatorChecks.RoundTrip<TextRow, FeaturesRow>(
            ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text", Options()), Rows, ml: ml);
        File.Delete(path);
        var vectors = ml.Data.CreateEnumerable<FeaturesRow>(model.Transform(ml.Data.LoadFromEnumerable(Rows)), false).ToList();
        Assert.All(vectors, v => Assert.All(v.Features, f => Assert.True(float.IsFinite(f))));
        Assert.Contains(vectors[0].Features, f => f != 0);
        Assert.Equal(TinyElmo.Encoder, ((ContextualEmbeddingTransformer)model).Encoder);
        ((IDisposable)model).Dispose();
    }

    [Fact]
    public void ApplyContextualWordEmbedding_SameWordDiffersByContext_ButNotAtLayer0()
    {
        var ml = new MLContext(seed: 1);
        var rows = new[]
        {
            WordEmbeddingTests.SpanRow.Of("I deposited my salary at the bank this morning.", "bank"),
            WordEmbeddingTests.SpanRow.Of("We had a picnic on the grassy bank of the river.", "bank"),
        };
        var options = new ContextualWordEmbeddingOptions { Encoder = TinyElmo.Encoder, Layers = LayerSelection.Last };
        var (model, path) = EstimatorChecks.RoundTrip<WordEmbeddingTests.SpanRow, WordRow>(
            ml.Transforms.Text.ApplyContextualWordEmbedding("WordVector", "Text", options: options), rows, ml: ml);
        File.Delete(path);
        var top = ml.Data.CreateEnumerable<WordRow>(model.Transform(ml.Data.LoadFromEnumerable(rows)), false).ToList();
        Assert.True(MaxDiff(top[0].WordVector, top[1].WordVector) > 1e-4, "the top layer must depend on the context");

        var layer0 = new ContextualWordEmbeddingOptions { Encoder = TinyElmo.Encoder, Layers = LayerSelection.Of([0]) };
        var bottom = ml.Transforms.Text.ApplyContextualWordEmbedding("WordVector", "Text", options: layer0).Fit(ml.Data.LoadFromEnumerable(rows));
        var b = ml.Data.CreateEnumerable<WordRow>(bottom.Transform(ml.Data.LoadFromEnumerable(rows)), false).ToList();
        Assert.True(MaxDiff(b[0].WordVector, b[1].WordVector) < 1e-6, "layer 0 (the character CNN) is context-free");
        for (int j = 0; j < 8; j++)
            Assert.Equal(b[0].WordVector[j], b[0].WordVector[j + 8]);    // [x; x]
    }

    public sealed class TokenOutput
    {
        public float[] Tokens { get; set; }
        public string[] TokensTokens { get; set; }
        public int[] TokensStarts { get; set; }
        public int[] TokensLengths { get; set; }
    }

    [Fact]
    public void ApplyContextualTokenEmbedding_GivesWordsWithSpans_AndRoundTrips()
    {
        var ml = new MLContext(seed: 1);
        var options = new ContextualTokenEmbeddingOptions { Encoder = TinyElmo.Encoder, Layers = LayerSelection.Of([1]) };
        var (model, path) = EstimatorChecks.RoundTrip<TextRow, TokenOutput>(
            ml.Transforms.Text.ApplyContextualTokenEmbedding("Tokens", "Text", options), Rows, ml: ml);
        File.Delete(path);
        var rows = ml.Data.CreateEnumerable<TokenOutput>(model.Transform(ml.Data.LoadFromEnumerable(Rows)), false).ToList();
        Assert.Equal(["The", "cat", "sat", "on", "the", "mat", "."], rows[0].TokensTokens);
        Assert.Equal(7 * 16, rows[0].Tokens.Length);
        Assert.Equal(4, rows[0].TokensStarts[1]);
        Assert.Equal("Supercalifragilisticexpialidocious", rows[3].TokensTokens[0]);
    }

    [Fact]
    public void StatelessSession_ARowsVectorsDoNotDependOnItsBatch()
    {
        var options = new ContextualTokenEmbeddingOptions { Encoder = TinyElmo.Encoder, Layers = LayerSelection.All() };
        options.Validate();
        using var session = (ITokenEncoder)TinyElmo.Encoder.Open(options);
        var texts = new[] { session.Encode("short one"), session.Encode("a much longer sentence with many more words in it"), session.Encode("mid length text here") };
        var together = new float[3][];
        session.Run(texts, [0, 1, 2], (i, s) => together[i] = Flatten(s));
        for (int i = 0; i < 3; i++)
        {
            float[] alone = null;
            session.Run([texts[i]], [0, 1, 2], (_, s) => alone = Flatten(s));
            Assert.True(MaxDiff(alone, together[i]) < 1e-5, $"text {i}: padding in a batch changed its vectors");
        }
        Assert.Equal(3, session.LayerCount);
        Assert.Equal(16, session.Dimension);
    }

    [Fact]
    public void EmbeddingGenerator_Works()
    {
        using var generator = new ContextualEmbeddingGenerator(Options());
        var result = generator.GenerateAsync(["one text", "another text"]).GetAwaiter().GetResult();
        Assert.Equal(2, result.Count);
        Assert.Equal(16, result[0].Vector.Length);
    }

    [Fact]
    public void EncoderZip_HoldsThePublishedFormat_AndReloadsTheSameWeights()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows);
        var model = ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text", Options()).Fit(data);
        using var folder = new TempFolder();
        string zip = folder.File("elmo.zip");
        ml.Model.Save(model, data.Schema, zip);
        using (var archive = System.IO.Compression.ZipFile.OpenRead(zip))
            Assert.Contains(archive.Entries, e => e.FullName.EndsWith("lm_weights.hdf5", StringComparison.Ordinal));
        var loaded = (ContextualEmbeddingTransformer)new MLContext(seed: 3).Model.Load(zip, out _);
        var elmo = Assert.IsType<ElmoEncoder>(loaded.Encoder);
        Assert.Equal(TinyElmo.Config().ToJson(), elmo.Config.ToJson());
    }

    internal static float[] Flatten(TokenStates s)
    {
        var all = new List<float>();
        for (int l = 0; l < s.LayerCount; l++)
            all.AddRange(s.Layer(l).ToArray());
        return all.ToArray();
    }

    internal static double MaxDiff(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double m = 0;
        for (int i = 0; i < a.Length; i++)
            m = Math.Max(m, Math.Abs(a[i] - b[i]));
        return m;
    }
}

/// <summary>ELMo as the frozen encoder of the classification trainer with a learned scalar mix (the feature-based recipe).</summary>
[Collection(TorchTrainingCollection.Name)]
public class ElmoClassifierTests
{
    [Fact]
    public void FrozenElmo_LearnedScalarMix_TrainsAndRoundTrips()
    {
        var ml = new MLContext(seed: 1);
        var options = new ContextualTextClassificationOptions
        {
            Encoder = TinyElmo.Encoder, FreezeEncoder = true, LearnScalarMix = true, BatchSize = 8, MaxEpochs = 2,
            LearningRate = 1e-2, MaxTokens = 16, NumberOfThreads = 1, HeadDropout = 0,
        };
        var trainer = ml.BinaryClassification.Trainers.ContextualTextClassification(options);
        var (model, path) = EstimatorChecks.RoundTrip<ToyData.SentimentRow, TextClassificationTests.BinaryOutput>(trainer, ToyData.Sentiment(), ml: ml);
        File.Delete(path);
        var t = (ContextualTextClassificationTransformer)model;
        Assert.True(t.FreezeEncoder);
        Assert.True(t.LearnScalarMix);
        Assert.Equal(3, t.LayerMix.Weights.Count);                 // layer 0 ([x; x]) and the two LSTM layers
        Assert.Contains(t.LayerMix.Weights, w => Math.Abs(w) > 1e-6);   // the mix was learned
        t.Dispose();
    }
}

using Microsoft.Extensions.AI;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual.Tests.Cove;

/// <summary>CoVe through the encoder seam: pooled, word and token transforms, the generator and the zip.</summary>
public class CoveSeamTests
{
    public sealed class TextRow
    {
        public string Text { get; set; }
    }

    public sealed class FeaturesRow
    {
        [VectorType(TinyCove.Dim + 2 * TinyCove.Hidden)]
        public float[] Features { get; set; }
    }

    public sealed class TokenOutput
    {
        public float[] Tokens { get; set; }
        public string[] TokensTokens { get; set; }
        public int[] TokensStarts { get; set; }
    }

    internal static readonly TextRow[] Rows =
    [
        new() { Text = "The cat sat on the mat." },
        new() { Text = "A woman eats in the park, near a blue house." },
        new() { Text = "" },
        new() { Text = null },
        new() { Text = "Unknownish words only" },
    ];

    [Fact]
    public void ApplyContextualEmbedding_GloveAndCove_RoundTripsThroughTheZip()
    {
        var ml = new MLContext(seed: 1);
        var options = new ContextualEmbeddingOptions { Encoder = TinyCove.Encoder, BatchSize = 2 };
        var (model, path) = EstimatorChecks.RoundTrip<TextRow, FeaturesRow>(
            ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text", options), Rows, ml: ml);
        using (var archive = System.IO.Compression.ZipFile.OpenRead(path))
            Assert.Contains(archive.Entries, e => e.FullName.EndsWith("mtlstm.bin", StringComparison.Ordinal));
        File.Delete(path);
        var vectors = ml.Data.CreateEnumerable<FeaturesRow>(model.Transform(ml.Data.LoadFromEnumerable(Rows)), false).ToList();
        Assert.All(vectors, v => Assert.All(v.Features, f => Assert.True(float.IsFinite(f))));
        Assert.Contains(vectors[0].Features, f => f != 0);
        Assert.All(vectors[2].Features, f => Assert.Equal(0f, f));     // empty text: the zero vector
        Assert.Equal(vectors[2].Features, vectors[3].Features);         // null is the empty text
        // the GloVe half of the pooled vector is the mean of the words' GloVe vectors
        var glove = TinyCove.Glove();
        var words = new[] { "the", "cat", "sat", "on", "the", "mat", "." };
        for (int j = 0; j < TinyCove.Dim; j++)
            Assert.Equal(words.Average(w => glove.GetVector(w)[j]), vectors[0].Features[j], 5);
        ((IDisposable)model).Dispose();
    }

    [Fact]
    public void ApplyContextualEmbedding_MixedLayers_AndTokenOutput()
    {
        var ml = new MLContext(seed: 1);
        var mixed = new ContextualEmbeddingOptions { Encoder = TinyCove.Encoder, Layers = LayerSelection.All([0.3f, -0.1f, 0.2f]) };
        var (model, path) = EstimatorChecks.RoundTrip<TextRow, FeaturesRow>(
            ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text", mixed), Rows, ml: ml);
        File.Delete(path);
        var tokens = new ContextualTokenEmbeddingOptions { Encoder = TinyCove.Encoder, Layers = LayerSelection.Last };
        var (tokenModel, tokenPath) = EstimatorChecks.RoundTrip<TextRow, TokenOutput>(
            ml.Transforms.Text.ApplyContextualTokenEmbedding("Tokens", "Text", tokens), Rows, ml: ml);
        File.Delete(tokenPath);
        var rows = ml.Data.CreateEnumerable<TokenOutput>(tokenModel.Transform(ml.Data.LoadFromEnumerable(Rows)), false).ToList();
        Assert.Equal(["The", "cat", "sat", "on", "the", "mat", "."], rows[0].TokensTokens);
        Assert.Equal(4, rows[0].TokensStarts[1]);
        Assert.Equal(7 * TinyCove.Encoder.Dimension, rows[0].Tokens.Length);
        ((IDisposable)model).Dispose();
    }

    public sealed class WordRow
    {
        [VectorType(TinyCove.Dim + 2 * TinyCove.Hidden)]
        public float[] WordVector { get; set; }
    }

    [Fact]
    public void ApplyContextualWordEmbedding_SameWordDiffersByContext_ButNotItsGloveHalf()
    {
        var ml = new MLContext(seed: 1);
        var rows = new[]
        {
            MLNetContextual.Tests.WordEmbeddingTests.SpanRow.Of("the dog ran in the park", "dog"),
            MLNetContextual.Tests.WordEmbeddingTests.SpanRow.Of("a small dog eats", "dog"),
        };
        var options = new ContextualWordEmbeddingOptions { Encoder = TinyCove.Encoder, Layers = LayerSelection.Last };
        var (model, path) = EstimatorChecks.RoundTrip<MLNetContextual.Tests.WordEmbeddingTests.SpanRow, WordRow>(
            ml.Transforms.Text.ApplyContextualWordEmbedding("WordVector", "Text", options: options), rows, ml: ml);
        File.Delete(path);
        var v = ml.Data.CreateEnumerable<WordRow>(model.Transform(ml.Data.LoadFromEnumerable(rows)), false).ToList();
        Assert.Equal(v[0].WordVector[..TinyCove.Dim], v[1].WordVector[..TinyCove.Dim]);
        Assert.Equal(TinyCove.Glove().GetVector("dog").ToArray(), v[0].WordVector[..TinyCove.Dim]);
        Assert.True(CoveWeightsTests.MaxDiff(v[0].WordVector[TinyCove.Dim..], v[1].WordVector[TinyCove.Dim..]) > 1e-4, "CoVe must depend on the context");
    }

    public sealed class ConcatenatedRow
    {
        [VectorType(TinyCove.Dim + 4 * TinyCove.Hidden)]
        public float[] Features { get; set; }
    }

    [Fact]
    public void ConcatenatedLayout_RoundTripsThroughTheZip()
    {
        var ml = new MLContext(seed: 1);
        var options = new ContextualEmbeddingOptions { Encoder = TinyCove.Encoder.WithLayout(true, true) };
        var (model, path) = EstimatorChecks.RoundTrip<TextRow, ConcatenatedRow>(
            ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text", options), Rows, ml: ml);
        File.Delete(path);
        Assert.True(Assert.IsType<CoveEncoder>(((ContextualEmbeddingTransformer)model).Encoder).ConcatenateLayers);
        ((IDisposable)model).Dispose();
    }

    [Fact]
    public void EmbeddingGenerator_Works()
    {
        using var generator = new ContextualEmbeddingGenerator(new ContextualEmbeddingOptions { Encoder = TinyCove.Encoder });
        var result = generator.GenerateAsync(["one big dog", "a small cat"]).GetAwaiter().GetResult();
        Assert.Equal(2, result.Count);
        Assert.Equal(TinyCove.Encoder.Dimension, result[0].Vector.Length);
    }

    [Fact]
    public void Session_ARowsVectorsDoNotDependOnItsBatch()
    {
        using var session = (ITokenEncoder)TinyCove.Encoder.Open(new EncoderOptions { Encoder = TinyCove.Encoder, IntraOpThreads = 2 });
        var texts = Enumerable.Range(0, 40).Select(i => session.Encode(string.Join(" ", TinyCove.Words.Skip(i % 7).Take(1 + i % 13)))).ToArray();
        var together = new float[texts.Length][];
        session.Run(texts, [0, 1, 2], (i, s) => together[i] = s.Layer(2).ToArray());
        for (int i = 0; i < texts.Length; i += 7)
        {
            float[] alone = null;
            session.Run([texts[i]], [2], (_, s) => alone = s.Layer(0).ToArray());
            Assert.Equal(alone, together[i]);     // bit for bit
        }
    }

    [Fact]
    public void LongText_IsTruncatedToMaxTokens()
    {
        var text = string.Join(" ", Enumerable.Repeat("the dog ran in the street .", 400));
        using var session = (ITokenEncoder)TinyCove.Encoder.Open(new EncoderOptions { Encoder = TinyCove.Encoder, MaxTokens = 100 });
        var e = session.Encode(text);
        Assert.Equal(100, e.Length);
        Assert.Equal(2800 - 100, e.TruncatedPieces);
        int count = 0;
        session.Run([e], [2], (_, s) => count = s.TokenCount);
        Assert.Equal(100, count);
    }
}

using Microsoft.Extensions.AI;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual.Tests.Seam;

/// <summary>The encoder seam with an encoder from outside the library (a sentence-only one registered by this test
/// assembly): transforms, generator and zip work with it, and what it lacks is named when a transform is built.</summary>
public class SeamTests
{
    private static readonly CharacterHistogramEncoder Histogram = new("abcdefghij", scale: 2f);

    public sealed class HistogramRow
    {
        [VectorType(10)]
        public float[] Features { get; set; }
    }

    [Fact]
    public void SentenceEncoder_ThroughApplyContextualEmbedding_FitTransformSaveLoad()
    {
        var ml = new MLContext(seed: 1);
        var options = new ContextualEmbeddingOptions { Encoder = Histogram };
        var (model, path) = EstimatorChecks.RoundTrip<ContextualEmbeddingTests.TextRow, HistogramRow>(
            ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text", options), ContextualEmbeddingTests.Rows, ml: ml);
        var rows = ml.Data.CreateEnumerable<HistogramRow>(model.Transform(ml.Data.LoadFromEnumerable(ContextualEmbeddingTests.Rows)), false).ToList();
        Assert.Equal(2f * 1 / "the movie was wonderful.".Length, rows[0].Features[0], 6);   // one 'a'
        Assert.Equal(new float[10], rows[2].Features);                                       // empty text
        var loaded = (ContextualEmbeddingTransformer)new MLContext().Model.Load(path, out _);
        Assert.Equal(ContextualPooling.Encoder, loaded.Pooling);
        Assert.Equal(2f, Assert.IsType<CharacterHistogramEncoder>(loaded.Encoder).Scale);
        File.Delete(path);
    }

    [Fact]
    public void SentenceEncoder_AskedForTokens_FailsWhenBuilt_NamingEncoderAndWhatItLacks()
    {
        var ml = new MLContext();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Text.ApplyContextualWordEmbedding("F", "Text",
            options: new ContextualWordEmbeddingOptions { Encoder = Histogram }));
        Assert.Contains("Encoder 'histogram of 'abcdefghij'' (test-character-histogram) offers SentenceVectors; ApplyContextualWordEmbedding (the vector of a word at a span) needs TokenVectors.", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Text.ApplyContextualTokenEmbedding("F", "Text",
            new ContextualTokenEmbeddingOptions { Encoder = Histogram }));
        Assert.Contains("needs TokenVectors", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Text.ApplyContextualEmbedding("F", "Text",
            new ContextualEmbeddingOptions { Encoder = Histogram, Pooling = ContextualPooling.Cls }));
        Assert.Contains("ApplyContextualEmbedding with Pooling Cls needs TokenVectors", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Text.ApplyContextualEmbedding("F", "Text",
            new ContextualEmbeddingOptions { Pooling = ContextualPooling.Encoder }));
        Assert.Contains("Encoder 'all-MiniLM-L6-v2' (bert-onnx) offers TokenVectors, TextPairs; ApplyContextualEmbedding with Pooling Encoder needs SentenceVectors.", e.Message);
    }

    [Fact]
    public async Task Generator_OverSentenceEncoder_MatchesTransform()
    {
        using var generator = new ContextualEmbeddingGenerator(new ContextualEmbeddingOptions { Encoder = Histogram });
        var embeddings = await generator.GenerateAsync(["abc", "jjj"]);
        Assert.Equal(2f / 3, embeddings[0].Vector.Span[0], 6);
        Assert.Equal(2f, embeddings[1].Vector.Span[9], 6);
        Assert.Equal(10, generator.Metadata.DefaultModelDimensions);
    }

    private static string SaveHistogramModel()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(ContextualEmbeddingTests.Rows);
        var model = ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text", new ContextualEmbeddingOptions { Encoder = Histogram }).Fit(data);
        string path = Path.Combine(Path.GetTempPath(), $"mlnetctx-seam-{Guid.NewGuid():N}.zip");
        ml.Model.Save(model, data.Schema, path);
        return path;
    }

    [Fact]
    public void ZipFromNewerFormat_IsClearError_NamingComponentAndVersions()
    {
        string path = SaveHistogramModel();
        try
        {
            ZipSurgery.RewriteHeader(path, ContextualEmbeddingTransformer.ComponentId, h => (h.Id, 7));
            var e = Assert.ThrowsAny<Exception>(() => new MLContext().Model.Load(path, out _));
            // ML.NET's component catalog calls loaders by reflection and wraps what they throw once; ours is the inner
            // exception (never a second wrapper of our own).
            var ours = e is System.Reflection.TargetInvocationException t ? t.InnerException : e;
            Assert.True(ours is InvalidDataException, $"{e.GetType().Name}: {Messages(e)}");
            Assert.Contains("Component 'contextual-embedding' was saved with format version 7; this version of MLNetContextual reads versions 1–2. Update the package", Messages(e));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ZipNamingUnknownComponent_IsClearError_AndNothingIsLoaded()
    {
        string path = SaveHistogramModel();
        try
        {
            ZipSurgery.RewriteHeader(path, ContextualEmbeddingTransformer.ComponentId, h => ("System.IO.FileStream", h.Version));   // same length: the header's offsets stay valid
            var e = Assert.ThrowsAny<Exception>(() => new MLContext().Model.Load(path, out _));
            Assert.Contains("registers no component 'System.IO.FileStream' (it registers: contextual-embedding, contextual-word-embedding", Messages(e));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void CorruptedBlob_IsClearError_NamingTheEntry()
    {
        string path = SaveHistogramModel();
        try
        {
            ZipSurgery.FlipByte(path, "Encoder.alphabet.txt");
            var e = Assert.ThrowsAny<Exception>(() => new MLContext().Model.Load(path, out _));
            Assert.Matches("The saved model's 'Encoder.alphabet.txt' entry of component 'contextual-embedding' is corrupt: its SHA-256 is [0-9A-F]{64}, the zip recorded [0-9A-F]{64}", Messages(e));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void EncoderOfNewerFormat_IsClearError()
    {
        string path = SaveHistogramModel();
        try
        {
            using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Update))
            {
                var entry = zip.Entries.Single(e => e.FullName.EndsWith("Encoder.kind.json", StringComparison.Ordinal));
                string json;
                using (var r = new StreamReader(entry.Open()))
                    json = r.ReadToEnd();
                string name = entry.FullName;
                entry.Delete();
                using var w = new StreamWriter(zip.CreateEntry(name).Open());
                w.Write(json.Replace("\"FormatVersion\": 2", "\"FormatVersion\": 3"));
            }
            var e = Assert.ThrowsAny<Exception>(() => new MLContext().Model.Load(path, out _));
            // The edited entry fails its checksum first: the zip cannot be tampered with silently.
            Assert.Contains("'Encoder.kind.json' entry of component 'contextual-embedding' is corrupt", Messages(e));
        }
        finally
        {
            File.Delete(path);
        }
    }

    internal static string Messages(Exception e)
    {
        var parts = new List<string>();
        for (var x = e; x != null; x = x.InnerException)
            parts.Add(x.Message);
        return string.Join(" | ", parts);
    }
}

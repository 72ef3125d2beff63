using Microsoft.ML;

namespace MLNetContextual.Tests;

public class BadInputTests
{
    private sealed class NumberRow
    {
        public float Text { get; set; }
    }

    [Fact]
    public void NonTextColumn_NamesColumnExpectedAndFound()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(new[] { new NumberRow { Text = 1 } });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Text.ApplyContextualEmbedding("F", "Text").Fit(data));
        Assert.Contains("Schema mismatch for input column 'Text': expected String, got Single", e.Message);
    }

    [Fact]
    public void MissingColumn_IsNamed()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(new[] { new NumberRow { Text = 1 } });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Text.ApplyContextualEmbedding("F", "Review").Fit(data));
        Assert.Contains("Could not find input column 'Review'", e.Message);
    }

    [Fact]
    public void MaxTokensAboveModelLimit_IsRejectedAtConstruction()
    {
        var ml = new MLContext();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.Transforms.Text.ApplyContextualEmbedding("F", "Text", new ContextualEmbeddingOptions { MaxTokens = 513 }));
        Assert.Contains("MaxTokens is 513; this model accepts at most 512", e.Message);
    }

    [Fact]
    public void MissingFiles_AreNamed()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-model.onnx");
        var e = Assert.Throws<FileNotFoundException>(() => ContextualEncoder.FromOnnx(missing, "vocab.txt"));
        Assert.Contains(missing, e.Message);
    }

    [Fact]
    public void TruncatedModel_IsClearErrorAtFit()
    {
        using var dir = new TempFolder();
        var model = File.ReadAllBytes(dir.WriteMiniLM());
        File.WriteAllBytes(dir.File("model.onnx"), model[..(model.Length / 3)]);
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(ContextualEmbeddingTests.Rows);
        var options = new ContextualEmbeddingOptions { Encoder = ContextualEncoder.FromOnnx(dir.File("model.onnx"), dir.File("vocab.txt")) };
        var e = Assert.Throws<InvalidDataException>(() => ml.Transforms.Text.ApplyContextualEmbedding("F", "Text", options).Fit(data));
        Assert.Contains("truncated, corrupt or not an ONNX model", e.Message);
    }

    [Fact]
    public void VocabularyLargerThanEmbeddingTable_IsClearErrorAtFit()
    {
        using var dir = new TempFolder();
        dir.WriteMiniLM();
        File.AppendAllLines(dir.File("vocab.txt"), Enumerable.Range(0, 100).Select(i => $"extra{i}"));
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(ContextualEmbeddingTests.Rows);
        var options = new ContextualEmbeddingOptions { Encoder = ContextualEncoder.FromOnnx(dir.Path) };
        var e = Assert.Throws<InvalidDataException>(() => ml.Transforms.Text.ApplyContextualEmbedding("F", "Text", options).Fit(data));
        Assert.Contains("does not match the model's embedding table", e.Message);
    }
}

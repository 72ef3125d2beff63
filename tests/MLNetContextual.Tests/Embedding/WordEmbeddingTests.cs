using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual.Tests;

public class WordEmbeddingTests
{
    public sealed class SpanRow
    {
        public string Text { get; set; }
        public int Start { get; set; }
        public int Length { get; set; }

        public static SpanRow Of(string text, string word) => new() { Text = text, Start = text.IndexOf(word, StringComparison.Ordinal), Length = word.Length };
    }

    public sealed class WordRow
    {
        [VectorType(384)]
        public float[] WordVector { get; set; }
    }

    private static readonly SpanRow[] Bank =
    [
        SpanRow.Of("I deposited my salary at the bank this morning.", "bank"),
        SpanRow.Of("The bank approved the loan for our new house.", "bank"),
        SpanRow.Of("We had a picnic on the grassy bank of the river.", "bank"),
    ];

    [Fact]
    public void Bank_MoneySensesAreCloserThanRiverSense()
    {
        var ml = new MLContext(seed: 1);
        var (model, path) = EstimatorChecks.RoundTrip<SpanRow, WordRow>(
            ml.Transforms.Text.ApplyContextualWordEmbedding("WordVector", textColumnName: "Text", startColumnName: "Start", lengthColumnName: "Length"),
            Bank, ml: ml);
        File.Delete(path);
        var v = ml.Data.CreateEnumerable<WordRow>(model.Transform(ml.Data.LoadFromEnumerable(Bank)), false).Select(r => r.WordVector).ToList();
        double money = Cosine(v[0], v[1]), river = Cosine(v[0], v[2]);
        Assert.True(money > river + 0.05, $"cos(money, money) = {money:F3} should exceed cos(money, river) = {river:F3}");
    }

    [Fact]
    public void LongText_WindowKeepsTheWord()
    {
        var ml = new MLContext(seed: 1);
        string filler = string.Concat(Enumerable.Repeat("the weather was fine and ", 40));
        var rows = new[] { SpanRow.Of(filler + "the bank approved the loan.", "bank"), SpanRow.Of("the bank approved the loan.", "bank") };
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = ml.Transforms.Text.ApplyContextualWordEmbedding("WordVector", "Text",
            options: new ContextualWordEmbeddingOptions { MaxTokens = 32 }).Fit(data);
        var v = ml.Data.CreateEnumerable<WordRow>(model.Transform(data), false).Select(r => r.WordVector).ToList();
        Assert.True(Cosine(v[0], v[1]) > 0.7, "the word far beyond MaxTokens must still be embedded in its own context");
    }

    [Fact]
    public void SpanOutsideText_IsErrorAtFitNamingTheRow()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(new[] { Bank[0], new SpanRow { Text = "short", Start = 3, Length = 10 } });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.Transforms.Text.ApplyContextualWordEmbedding("WordVector", "Text").Fit(data));
        Assert.Contains("Row 1", e.Message);
    }

    internal static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.Sqrt(na * nb);
    }
}

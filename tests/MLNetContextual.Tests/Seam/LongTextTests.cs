using Microsoft.ML;

namespace MLNetContextual.Tests.Seam;

/// <summary>Text longer than MaxTokens: truncated, or encoded as overlapping windows and pooled over all of them.</summary>
public class LongTextTests
{
    private static float[][] Embed(LongTextHandling mode, ContextualPooling pooling, params string[] texts)
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(texts.Select(t => new ContextualEmbeddingTests.TextRow { Text = t }));
        var options = new ContextualEmbeddingOptions { MaxTokens = 12, LongText = mode, WindowOverlap = 4, Pooling = pooling };
        using var model = ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text", options).Fit(data);
        return ml.Data.CreateEnumerable<ContextualEmbeddingTests.FeaturesRow>(model.Transform(data), false).Select(r => r.Features).ToArray();
    }

    [Fact]
    public void ShortText_WindowsEqualTruncate()
    {
        var a = Embed(LongTextHandling.Windows, ContextualPooling.Mean, "a short text.", "");
        var b = Embed(LongTextHandling.Truncate, ContextualPooling.Mean, "a short text.", "");
        Assert.Equal(a[0], b[0]);
        Assert.Equal(a[1], b[1]);
    }

    [Fact]
    public void LongText_WindowsSeeTheEnd_TruncateDoesNot()
    {
        string head = "the first words of this text are all the same in both rows and they fill the window";
        var truncated = Embed(LongTextHandling.Truncate, ContextualPooling.Mean, head + " and then it was wonderful", head + " and then it was dreadful");
        Assert.Equal(truncated[0], truncated[1]);
        var windows = Embed(LongTextHandling.Windows, ContextualPooling.Mean, head + " and then it was wonderful", head + " and then it was dreadful");
        Assert.NotEqual(windows[0], windows[1]);
        var cls = Embed(LongTextHandling.Windows, ContextualPooling.Cls, head + " and then it was wonderful", head + " and then it was dreadful");
        Assert.Equal(cls[0], cls[1]);   // Cls: the first window's, which both rows share
    }

    [Fact]
    public void WindowOverlapOutOfRange_IsClearError()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().Transforms.Text.ApplyContextualEmbedding("F", "Text",
            new ContextualEmbeddingOptions { MaxTokens = 12, LongText = LongTextHandling.Windows, WindowOverlap = 12 }));
        Assert.Contains("WindowOverlap is 12; it must be between 0 and MaxTokens − 4 (8).", e.Message);
    }
}

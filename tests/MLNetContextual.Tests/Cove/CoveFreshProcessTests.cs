using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual.Tests.Cove;

/// <summary>A saved CoVe model embeds in a process that never maps libtorch (managed inference), with identical vectors.</summary>
public class CoveFreshProcessTests
{
    [Fact]
    public void CoveZip_EmbedsInAFreshProcess_WithoutLibtorch()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(CoveSeamTests.Rows);
        using var model = ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text", new ContextualEmbeddingOptions { Encoder = TinyCove.Encoder })
            .Fit(data);
        using var dir = new TempFolder();
        ml.Model.Save(model, data.Schema, dir.File("model.zip"));
        var texts = new[] { "The cat sat on the mat.", "a big red house", "" };
        var expected = model.Transform(ml.Data.LoadFromEnumerable(texts.Select(t => new CoveSeamTests.TextRow { Text = t })))
            .GetColumn<float[]>("Features").ToArray();
        var actual = FreshProcess.Transform(dir.File("model.zip"), texts, "Features", out var libraries);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], actual[i]);
        FreshProcess.AssertNoLibTorch(libraries);
    }
}

using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual.Tests.Cove;

/// <summary>A zip of the first CoVe format (encoder format version 1, written by this release from <see cref="TinyCove"/>)
/// still loads and gives the pinned vectors. Regenerate only for a new format, as a new file: run this test once with
/// MLNETCTX_WRITE_COVE_FIXTURE=1 and copy the files from the test output folder into Cove/Fixtures.</summary>
public class CoveFixtureZipTests
{
    private static readonly string[] Texts = ["The cat sat on the mat.", "a small child plays in the red house", ""];

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Cove", "Fixtures", name);

    [Fact]
    public void V1Zip_LoadsAndGivesThePinnedVectors()
    {
        var ml = new MLContext(seed: 1);
        var rows = ml.Data.LoadFromEnumerable(Texts.Select(t => new CoveSeamTests.TextRow { Text = t }));
        if (Environment.GetEnvironmentVariable("MLNETCTX_WRITE_COVE_FIXTURE") == "1")
        {
            using var fresh = ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text",
                new ContextualEmbeddingOptions { Encoder = TinyCove.Encoder, Layers = LayerSelection.All() }).Fit(rows);
            Directory.CreateDirectory(Path.GetDirectoryName(Fixture("x"))!);
            ml.Model.Save(fresh, rows.Schema, Fixture("v1-cove.zip"));
            File.WriteAllLines(Fixture("v1-cove.expected.tsv"), fresh.Transform(rows).GetColumn<float[]>("Features")
                .Select(v => string.Join('\t', v.Select(x => x.ToString("R", CultureInfo.InvariantCulture)))));
        }
        var model = (ContextualEmbeddingTransformer)ml.Model.Load(Fixture("v1-cove.zip"), out _);
        var cove = Assert.IsType<CoveEncoder>(model.Encoder);
        Assert.Equal(TinyCove.Hidden, cove.HiddenSize);
        var expected = File.ReadAllLines(Fixture("v1-cove.expected.tsv"))
            .Select(l => l.Length == 0 ? [] : l.Split('\t').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var actual = model.Transform(rows).GetColumn<float[]>("Features").ToArray();
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], actual[i]);
        model.Dispose();
    }
}

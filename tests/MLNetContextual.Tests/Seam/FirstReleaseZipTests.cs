using System.Globalization;
using Microsoft.ML;
using MLNetContextual.Tests.FineTuning;

namespace MLNetContextual.Tests.Seam;

/// <summary>A zip saved by the first release (static vectors + a TinyBert classifier, CLR type names, no checksums)
/// still loads and predicts exactly as it did.</summary>
[Collection(TorchTrainingCollection.Name)]
public class FirstReleaseZipTests
{
    public sealed class Row
    {
        public string Sentence1 { get; set; }
        public bool Label { get; set; }
        public string[] Tokens { get; set; }
    }

    public sealed class Out
    {
        public float Score { get; set; }
        public float[] Features { get; set; }
    }

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Seam", "Fixtures", name);

    [Fact]
    public void FirstReleaseZip_LoadsAndPredictsAsItDid()
    {
        var expected = File.ReadAllLines(Fixture("v1-pipeline.expected.tsv")).Select(l => l.Split('\t')).ToList();
        var ml = new MLContext();
        var model = ml.Model.Load(Fixture("v1-pipeline.zip"), out var schema);
        var rows = expected.Select(e => new Row { Sentence1 = e[0], Tokens = e[0].ToLowerInvariant().Split(' ') }).ToList();
        var outputs = ml.Data.CreateEnumerable<Out>(model.Transform(ml.Data.LoadFromEnumerable(rows)), false).ToList();
        for (int i = 0; i < rows.Count; i++)
        {
            // Within 1e-6: the fixture was scored with TorchSharp on 1 thread (the first release left Fit's thread count set).
            Assert.Equal(float.Parse(expected[i][1], CultureInfo.InvariantCulture), outputs[i].Score, 1e-6f);
            Assert.Equal(expected[i][2].Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)), outputs[i].Features);
        }
        using var engine = ml.Model.CreatePredictionEngine<Row, Out>(model);
        Assert.Equal(outputs[0].Score, engine.Predict(rows[0]).Score, 1e-6f);   // one row alone: other padding, other rounding

        // Saved again, it is written in the current format and still predicts the same.
        string path = Path.Combine(Path.GetTempPath(), $"mlnetctx-v2-{Guid.NewGuid():N}.zip");
        try
        {
            var again = ml.Model.Load(Fixture("v1-pipeline.zip"), out _);
            ml.Model.Save(again, schema, path);
            var reloaded = new MLContext().Model.Load(path, out _);
            var scores = ml.Data.CreateEnumerable<Out>(reloaded.Transform(ml.Data.LoadFromEnumerable(rows)), false).Select(o => o.Score);
            Assert.Equal(outputs.Select(o => o.Score), scores);   // same batches: identical
        }
        finally
        {
            File.Delete(path);
        }
    }
}

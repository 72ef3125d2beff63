using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual.Tests.FineTuning;

/// <summary>Zips saved before fine-tuned models predicted on ONNX Runtime (classifier format 2, question answerer format 1,
/// written by main at 6551a9d with a tiny BERT) still load and predict, with TorchSharp, as they did.</summary>
[Collection(TorchTrainingCollection.Name)]
public class PreOnnxZipTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Seam", "Fixtures", name);

    private sealed class SentimentRow
    {
        public string Sentence1 { get; set; }
    }

    [Fact]
    public void ClassifierOfFormat2_LoadsAndPredicts_AndExports()
    {
        var expected = File.ReadAllLines(Fixture("v2-binary-classifier.expected.tsv")).Select(l => l.Split('\t'))
            .Select(f => (Text: f[0], Score: float.Parse(f[1], CultureInfo.InvariantCulture))).ToArray();
        var ml = new MLContext();
        using var model = (ContextualTextClassificationTransformer)ml.Model.Load(Fixture("v2-binary-classifier.zip"), out _);
        Assert.False(model.PredictsWithOnnxRuntime);
        var data = ml.Data.LoadFromEnumerable(expected.Select(e => new SentimentRow { Sentence1 = e.Text }));
        var scores = model.Transform(data).GetColumn<float>("Score").ToArray();
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i].Score - scores[i]) <= 1e-6f, $"row {i}: {expected[i].Score} vs {scores[i]}");

        // An old model can still be exported: its graph is written from the TorchSharp weights.
        using var exported = new MemoryStream();
        model.ExportToOnnx(exported);
        using var session = new OnnxTaskSession(exported.ToArray(), "exported", [TaskGraph.Scores], padId: 0);
        var encodings = expected.Select(e => model.Encode(e.Text, null)).ToArray();
        var onnx = session.Run(encodings).Outputs[0];
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i].Score - onnx[i]) <= 1e-4f, $"exported, row {i}: {expected[i].Score} vs {onnx[i]}");
    }

    private sealed class QaRow
    {
        public string Context { get; set; }
        public string Question { get; set; }
    }

    [Fact]
    public void QuestionAnswererOfFormat1_LoadsAndAnswers()
    {
        var expected = File.ReadAllLines(Fixture("v1-question-answer.expected.tsv")).Select(l => l.Split('\t')).ToArray();
        var ml = new MLContext();
        using var model = (ContextualQuestionAnswerTransformer)ml.Model.Load(Fixture("v1-question-answer.zip"), out _);
        Assert.False(model.PredictsWithOnnxRuntime);
        var rows = new[]
        {
            new QaRow { Context = "anna won the match in paris.", Question = "who won the match?" },
            new QaRow { Context = "ben did live in paris.", Question = "where did ben live?" },
        };
        var output = model.Transform(ml.Data.LoadFromEnumerable(rows));
        var answers = output.GetColumn<string[]>("Answer").ToArray();
        var scores = output.GetColumn<float[]>("Score").ToArray();
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.Equal(expected[i][0], string.Join("|", answers[i]));
            var want = expected[i][1].Split('|').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(want.Length, scores[i].Length);
            for (int k = 0; k < want.Length; k++)
                Assert.True(Math.Abs(want[k] - scores[i][k]) <= 1e-5f, $"row {i}[{k}]: {want[k]} vs {scores[i][k]}");
        }
    }
}

using Microsoft.ML;
using MLNetContextual.Cli.Data;
using MLNetContextual.Cli.Sweep;

namespace MLNetContextual.Cli.Output;

/// <summary>Scores a few rows with the saved model.zip, loaded in a fresh MLContext as the generated project loads it.</summary>
public static class SampleScorer
{
    /// <summary>Input of a single-text model.</summary>
    public sealed class TextInput { public string Text { get; set; } }
    /// <summary>Input of a pair model.</summary>
    public sealed class PairInput { public string Text { get; set; } public string Text2 { get; set; } }
    /// <summary>Binary output.</summary>
    public sealed class BinaryOutput { public bool PredictedLabel { get; set; } public float Score { get; set; } public float Probability { get; set; } }
    /// <summary>Multiclass output.</summary>
    public sealed class MulticlassOutput { public string PredictedLabel { get; set; } public float[] Score { get; set; } }
    /// <summary>Regression output.</summary>
    public sealed class RegressionOutput { public float Score { get; set; } }

    /// <summary>Up to <paramref name="count"/> sample rows (test, else validation, else training), texts cut to 200 characters.</summary>
    public static List<Example> Pick(SweepOutcome o, int count = 5)
    {
        var source = (o.Test?.Examples ?? []).Concat(o.Valid.Examples).Concat(o.Train.Examples);
        static string Cut(string s) => s == null ? null : (s.Length > 200 ? s[..200] : s).Replace('\n', ' ').Replace('\r', ' ').Replace('\t', ' ');
        return source.Take(count).Select(e => e with { Text = Cut(e.Text), Text2 = Cut(e.Text2) }).ToList();
    }

    /// <summary>The predictions of <paramref name="zip"/> on <paramref name="rows"/>, with the lines the generated project prints.</summary>
    public static List<SamplePrediction> Score(string zip, SweepOutcome o, IReadOnlyList<Example> rows)
    {
        var ml = new MLContext();
        var model = ml.Model.Load(zip, out _);
        var data = o.Train;
        var result = new List<SamplePrediction>();
        // One engine for all rows: a second PredictionEngine over the same loaded model, made after the first was
        // disposed, finds the encoder's ONNX session disposed (reported to the lead).
        Func<Example, object> predict = (data.Task, data.IsBinary, data.IsPair) switch
        {
            (TaskKind.Regression, _, false) => Engine<TextInput, RegressionOutput>(ml, model, false),
            (TaskKind.Regression, _, true) => Engine<PairInput, RegressionOutput>(ml, model, true),
            (_, true, false) => Engine<TextInput, BinaryOutput>(ml, model, false),
            (_, true, true) => Engine<PairInput, BinaryOutput>(ml, model, true),
            (_, false, false) => Engine<TextInput, MulticlassOutput>(ml, model, false),
            (_, false, true) => Engine<PairInput, MulticlassOutput>(ml, model, true),
        };
        foreach (var row in rows)
        {
            string shown = data.IsPair ? row.Text + " | " + row.Text2 : row.Text;
            (string predicted, float score) = predict(row) switch
            {
                RegressionOutput r => (null, r.Score),
                BinaryOutput b => PredictionText.Binary(b.PredictedLabel, b.Probability, o.ScoreClasses),
                MulticlassOutput m => PredictionText.Multiclass(m.Score, o.ScoreClasses),
                _ => throw new InvalidOperationException("unknown output"),
            };
            result.Add(new SamplePrediction(row.Text, row.Text2, predicted ?? score.ToString("F4", System.Globalization.CultureInfo.InvariantCulture), score,
                PredictionText.Line(data.Task, predicted, score, shown)));
        }
        return result;
    }

    private static Func<Example, object> Engine<TIn, TOut>(MLContext ml, ITransformer model, bool pair) where TIn : class, new() where TOut : class, new()
    {
        var engine = ml.Model.CreatePredictionEngine<TIn, TOut>(model);
        return row =>
        {
            var input = new TIn();
            typeof(TIn).GetProperty("Text").SetValue(input, row.Text);
            if (pair)
                typeof(TIn).GetProperty("Text2").SetValue(input, row.Text2);
            return engine.Predict(input);
        };
    }
}

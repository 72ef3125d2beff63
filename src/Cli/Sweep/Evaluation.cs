using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual.Cli.Sweep;

/// <summary>Metrics of a model on held-out rows, and what the report plots from them.</summary>
public sealed class Evaluation
{
    /// <summary>The metric the sweep ranks by (higher is better): accuracy, micro-accuracy or R².</summary>
    public double Metric { get; init; }

    /// <summary>All metrics by name.</summary>
    public Dictionary<string, double> Metrics { get; init; } = new();

    /// <summary>Classification: confusion counts [actual, predicted] in the model's class (key) order.</summary>
    public double[][] Confusion { get; init; }

    /// <summary>Class names in key order (the order of the Score vector).</summary>
    public string[] ClassNames { get; init; }

    /// <summary>Binary: (label, probability of the positive class) per held-out row.</summary>
    public List<(bool Label, float Probability)> BinaryScores { get; init; }

    /// <summary>Rows evaluated.</summary>
    public int Rows { get; init; }

    /// <summary>The name of the ranking metric for <paramref name="task"/>.</summary>
    public static string MetricName(Data.TaskKind task, bool binary) => task switch
    {
        Data.TaskKind.Regression => "RSquared",
        Data.TaskKind.QuestionAnswering => "F1",
        _ => binary ? "Accuracy" : "MicroAccuracy",
    };

    /// <summary>Evaluates scored rows (columns Label, Score, PredictedLabel[, Probability]).</summary>
    public static Evaluation Of(MLContext ml, IDataView scored, Data.TaskKind task, bool binary, string[] classNames)
    {
        int rows = (int)(scored.GetRowCount() ?? 0);
        if (task == Data.TaskKind.Regression)
        {
            var r = ml.Regression.Evaluate(scored);
            return new Evaluation
            {
                Metric = r.RSquared,
                Rows = rows,
                Metrics = new() { ["RSquared"] = r.RSquared, ["MeanAbsoluteError"] = r.MeanAbsoluteError, ["RootMeanSquaredError"] = r.RootMeanSquaredError },
            };
        }
        if (binary)
        {
            bool calibrated = scored.Schema.GetColumnOrNull("Probability") != null;
            var m = calibrated ? ml.BinaryClassification.Evaluate(scored) : ml.BinaryClassification.EvaluateNonCalibrated(scored);
            var labels = scored.GetColumn<bool>("Label").ToArray();
            var probabilities = calibrated ? scored.GetColumn<float>("Probability").ToArray() : scored.GetColumn<float>("Score").ToArray();
            var metrics = new Dictionary<string, double>
            {
                ["Accuracy"] = m.Accuracy, ["AreaUnderRocCurve"] = m.AreaUnderRocCurve, ["F1Score"] = m.F1Score,
                ["AreaUnderPrecisionRecallCurve"] = m.AreaUnderPrecisionRecallCurve,
            };
            if (m is CalibratedBinaryClassificationMetrics c)
                metrics["LogLoss"] = c.LogLoss;
            return new Evaluation
            {
                Metric = m.Accuracy, Rows = rows, Metrics = metrics, ClassNames = classNames,
                Confusion = Counts(m.ConfusionMatrix, binaryOrder: true),
                BinaryScores = labels.Zip(probabilities).Select(p => (p.First, p.Second)).ToList(),
            };
        }
        var mc = ml.MulticlassClassification.Evaluate(scored);
        return new Evaluation
        {
            Metric = mc.MicroAccuracy, Rows = rows, ClassNames = classNames,
            Metrics = new() { ["MicroAccuracy"] = mc.MicroAccuracy, ["MacroAccuracy"] = mc.MacroAccuracy, ["LogLoss"] = mc.LogLoss },
            Confusion = Counts(mc.ConfusionMatrix, binaryOrder: false),
        };
    }

    // ML.NET's binary confusion matrix lists the positive class first; the report shows [negative, positive].
    private static double[][] Counts(ConfusionMatrix m, bool binaryOrder)
    {
        int n = m.NumberOfClasses;
        var counts = Enumerable.Range(0, n).Select(i => Enumerable.Range(0, n).Select(j => m.Counts[i][j]).ToArray()).ToArray();
        if (binaryOrder && n == 2)
            counts = [[counts[1][1], counts[1][0]], [counts[0][1], counts[0][0]]];
        return counts;
    }

    /// <summary>Per-class precision, recall and F1 from the confusion counts.</summary>
    public IEnumerable<(string Class, double Precision, double Recall, double F1, double Support)> PerClass()
    {
        if (Confusion == null)
            yield break;
        for (int i = 0; i < Confusion.Length; i++)
        {
            double tp = Confusion[i][i], actual = Confusion[i].Sum(), predicted = Confusion.Sum(row => row[i]);
            double p = predicted == 0 ? 0 : tp / predicted, r = actual == 0 ? 0 : tp / actual;
            yield return (ClassNames != null && i < ClassNames.Length ? ClassNames[i] : i.ToString(), p, r, p + r == 0 ? 0 : 2 * p * r / (p + r), actual);
        }
    }
}

using MLNetContextual.Cli.Sweep;
using ScottPlot;

namespace MLNetContextual.Cli.Output;

/// <summary>The report's PNG plots (ScottPlot): leaderboard, confusion matrix, ROC and PR curves, learning curve, per-class metrics.</summary>
public static class ReportPlots
{
    private const int Width = 800, Height = 450;

    /// <summary>Horizontal bars of the ranking metric per finished candidate, best on top.</summary>
    public static void Leaderboard(string path, IReadOnlyList<CandidateResult> done, string metric)
    {
        var plot = new Plot();
        var ranked = done.OrderBy(r => r.Metric).ToList();
        var bars = ranked.Select((r, i) => new Bar { Position = i, Value = r.Metric ?? 0, FillColor = Colour(r.Candidate.Kind) }).ToList();
        var series = plot.Add.Bars(bars);
        series.Horizontal = true;
        plot.Axes.Left.SetTicks(ranked.Select((_, i) => (double)i).ToArray(), ranked.Select(r => $"{r.Candidate.Id} {Short(r.Candidate.Pipeline)}").ToArray());
        double low = Math.Max(0, (ranked.Min(r => r.Metric) ?? 0) - 0.05), high = Math.Min(1.0, (ranked.Max(r => r.Metric) ?? 1) + 0.02);
        if (high <= low)
            high = low + 0.1;
        plot.Axes.SetLimitsX(low, high);
        plot.Title($"Leaderboard: {metric} on the validation rows");
        plot.XLabel(metric);
        plot.SavePng(path, Width, Math.Max(Height, 60 + 36 * ranked.Count));
    }

    /// <summary>The confusion matrix as a heatmap with counts, actual classes as rows.</summary>
    public static void Confusion(string path, double[][] counts, string[] names, string title)
    {
        int n = counts.Length;
        var intensities = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            double total = Math.Max(1, counts[i].Sum());
            for (int j = 0; j < n; j++)
                intensities[i, j] = counts[i][j] / total;
        }
        var plot = new Plot();
        var colormap = new ScottPlot.Colormaps.Blues();
        // Row i (actual) is drawn at y = n - 1 - i so that the first class is on top; each cell shaded by its share of the row.
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double y = n - 1 - i;
                var cell = plot.Add.Rectangle(j - 0.5, j + 0.5, y - 0.5, y + 0.5);
                cell.FillColor = colormap.GetColor(0.1 + 0.9 * intensities[i, j]);
                cell.LineWidth = 1;
                cell.LineColor = Colors.White;
                var text = plot.Add.Text(counts[i][j].ToString("0"), j, y);
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontSize = n > 10 ? 9 : 16;
                text.LabelFontColor = intensities[i, j] > 0.5 ? Colors.White : Colors.Black;
            }
        plot.Axes.SetLimits(-0.5, n - 0.5, -0.5, n - 0.5);
        var positions = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        plot.Axes.Bottom.SetTicks(positions, names.Select(Short).ToArray());
        plot.Axes.Left.SetTicks(positions.Reverse().ToArray(), names.Select(Short).ToArray());
        plot.Title(title);
        plot.XLabel("Predicted");
        plot.YLabel("Actual");
        plot.SavePng(path, Math.Max(500, 60 * n + 200), Math.Max(450, 50 * n + 150));
    }

    /// <summary>ROC curve (binary), with its AUC in the title.</summary>
    public static void Roc(string path, IReadOnlyList<(bool Label, float Probability)> scores)
    {
        var (fpr, tpr, _, _) = Curves(scores);
        var plot = new Plot();
        plot.Add.ScatterLine(fpr, tpr).LineWidth = 2;
        plot.Add.Line(0, 0, 1, 1).LinePattern = LinePattern.Dashed;
        double auc = 0;
        for (int i = 1; i < fpr.Length; i++)
            auc += (fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1]) / 2;
        plot.Title($"ROC curve (AUC {auc:F3})");
        plot.XLabel("False positive rate");
        plot.YLabel("True positive rate");
        plot.Axes.SetLimits(0, 1, 0, 1.02);
        plot.SavePng(path, 600, 500);
    }

    /// <summary>Precision-recall curve (binary).</summary>
    public static void PrecisionRecall(string path, IReadOnlyList<(bool Label, float Probability)> scores)
    {
        var (_, _, recall, precision) = Curves(scores);
        var plot = new Plot();
        plot.Add.ScatterLine(recall, precision).LineWidth = 2;
        plot.Title("Precision-recall curve");
        plot.XLabel("Recall");
        plot.YLabel("Precision");
        plot.Axes.SetLimits(0, 1, 0, 1.02);
        plot.SavePng(path, 600, 500);
    }

    /// <summary>Fine-tuning: training loss by step, and validation metric at each epoch's end on a second axis.</summary>
    public static void Learning(string path, IReadOnlyList<FineTuningProgress> curve, string title)
    {
        var plot = new Plot();
        var losses = curve.Where(p => !double.IsNaN(p.Loss)).ToList();
        if (losses.Count > 0)
        {
            var loss = plot.Add.ScatterLine(losses.Select(p => (double)p.Step).ToArray(), losses.Select(p => p.Loss).ToArray());
            loss.LegendText = "training loss";
        }
        var validation = curve.Where(p => p.ValidationMetric != null).ToList();
        if (validation.Count > 0)
        {
            var v = plot.Add.Scatter(validation.Select(p => (double)p.Step).ToArray(), validation.Select(p => p.ValidationMetric.Value).ToArray());
            v.LegendText = "validation accuracy";
            v.Axes.YAxis = plot.Axes.Right;
            v.MarkerSize = 10;
            plot.Axes.Right.Label.Text = "Validation accuracy";
        }
        plot.ShowLegend();
        plot.Title(title);
        plot.XLabel("Step");
        plot.YLabel("Loss");
        plot.SavePng(path, Width, Height);
    }

    /// <summary>Precision, recall and F1 per class as grouped bars.</summary>
    public static void PerClass(string path, IReadOnlyList<(string Class, double Precision, double Recall, double F1, double Support)> rows)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var bars = new List<Bar>();
        for (int i = 0; i < rows.Count; i++)
        {
            double[] values = [rows[i].Precision, rows[i].Recall, rows[i].F1];
            for (int k = 0; k < 3; k++)
                bars.Add(new Bar { Position = i * 4 + k, Value = values[k], FillColor = palette.GetColor(k) });
        }
        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks(rows.Select((_, i) => i * 4 + 1.0).ToArray(), rows.Select(r => Short(r.Class)).ToArray());
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "precision", FillColor = palette.GetColor(0) });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "recall", FillColor = palette.GetColor(1) });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "F1", FillColor = palette.GetColor(2) });
        plot.ShowLegend();
        plot.Axes.SetLimitsY(0, 1.05);
        plot.Title("Per-class metrics");
        plot.SavePng(path, Math.Max(Width, 120 * rows.Count), Height);
    }

    // Thresholds from high to low: false/true positive rates, recall and precision.
    private static (double[] Fpr, double[] Tpr, double[] Recall, double[] Precision) Curves(IReadOnlyList<(bool Label, float Probability)> scores)
    {
        var sorted = scores.OrderByDescending(s => s.Probability).ToList();
        double positives = Math.Max(1, sorted.Count(s => s.Label)), negatives = Math.Max(1, sorted.Count(s => !s.Label));
        var fpr = new List<double> { 0 };
        var tpr = new List<double> { 0 };
        var recall = new List<double> { 0 };
        var precision = new List<double> { 1 };
        double tp = 0, fp = 0;
        for (int i = 0; i < sorted.Count; i++)
        {
            if (sorted[i].Label) tp++; else fp++;
            if (i + 1 < sorted.Count && sorted[i + 1].Probability == sorted[i].Probability)
                continue;
            fpr.Add(fp / negatives);
            tpr.Add(tp / positives);
            recall.Add(tp / positives);
            precision.Add(tp / (tp + fp));
        }
        return (fpr.ToArray(), tpr.ToArray(), recall.ToArray(), precision.ToArray());
    }

    private static Color Colour(CandidateKind kind) => kind switch
    {
        CandidateKind.NGrams => Colors.Gray,
        CandidateKind.FrozenEncoder => Colors.SteelBlue,
        _ => Colors.DarkOrange,
    };

    private static string Short(string s) => s.Length <= 40 ? s : s[..37] + "...";
}

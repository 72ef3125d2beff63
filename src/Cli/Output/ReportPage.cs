using System.Globalization;
using System.Net;
using System.Text;
using MLNetContextual.Cli.Sweep;

namespace MLNetContextual.Cli.Output;

/// <summary>report/index.html: the run at a glance (choice, leaderboard, what was chosen and why), with the PNG plots.</summary>
public static class ReportPage
{
    /// <summary>Writes report/ under <paramref name="root"/>; returns the page's path.</summary>
    public static string Write(string root, SweepOutcome o)
    {
        string folder = Path.Combine(root, "report");
        Directory.CreateDirectory(folder);
        var done = o.Results.Where(r => r.Status == CandidateStatus.Done).ToList();
        var images = new List<(string File, string Title)>();
        void Plot(string file, string title, Action<string> draw)
        {
            draw(Path.Combine(folder, file));
            images.Add((file, title));
        }

        var evaluation = o.TestEvaluation ?? o.Best.Evaluation;
        string on = o.TestEvaluation != null ? $"the test set ({o.Test.Examples.Count} rows)" : $"the validation rows ({o.Scoring})";
        Plot("leaderboard.png", "Leaderboard", p => ReportPlots.Leaderboard(p, done, o.MetricName));
        if (evaluation?.Confusion != null)
            Plot("confusion.png", "Confusion matrix", p => ReportPlots.Confusion(p, evaluation.Confusion, evaluation.ClassNames ?? o.ScoreClasses, o.TestEvaluation != null ? "Confusion matrix (test set)" : "Confusion matrix (validation rows)"));
        if (evaluation?.BinaryScores is { Count: > 0 } binary)
        {
            Plot("roc.png", "ROC curve", p => ReportPlots.Roc(p, binary));
            Plot("pr.png", "Precision-recall curve", p => ReportPlots.PrecisionRecall(p, binary));
        }
        foreach (var tuned in o.Results.Where(r => r.Curve is { Count: > 0 }))
            Plot($"learning-{tuned.Candidate.Id}.png", $"Learning curve ({tuned.Candidate.Pipeline})",
                p => ReportPlots.Learning(p, tuned.Curve, $"Learning curve: {tuned.Candidate.Pipeline}"));
        var perClass = evaluation?.PerClass().ToList() ?? [];
        if (perClass.Count > 0)
            Plot("per-class.png", "Per-class metrics", p => ReportPlots.PerClass(p, perClass));

        var html = new StringBuilder();
        string E(object value) => WebUtility.HtmlEncode(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
        string F(double? v) => v is double d ? d.ToString("F4", CultureInfo.InvariantCulture) : "";
        html.Append($$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>mlnetctx report: {{E(o.Settings.Name)}}</title>
            <style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}
            td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}td.num{text-align:right}tr.best{background:#e8f4e8}
            img{max-width:100%;border:1px solid #eee;margin:0.5em 0}</style></head>
            <body data-images="{{images.Count}}">
            <h1>{{E(o.Settings.Name)}}: {{E(o.Settings.Task)}}</h1>
            <p id="choice">Chosen: <b>{{E(o.Best.Candidate.Pipeline)}}</b>, {{E(o.MetricName)}} <b>{{F(o.Best.Metric)}}</b> on {{E(o.Scoring)}}{{(o.TestEvaluation != null ? $"; on the test set: <b id=\"test-metric\">{F(o.TestEvaluation.Metric)}</b>" : "")}}.
            {{(o.RetrainedOnAll ? "Re-trained on all training and validation rows." : "")}}{{(o.Interrupted ? " <b>Interrupted by Ctrl+C: best model so far kept.</b>" : "")}}</p>
            <p>Data: {{E(Path.GetFileName(o.Settings.Dataset))}}, label '{{E(o.Train.LabelName)}}', text '{{E(string.Join("' + '", o.Train.TextNames))}}',
            {{o.Train.Examples.Count}} training rows{{(o.ScoreClasses != null ? $", classes {E(string.Join(", ", o.ScoreClasses))}" : "")}}. Budget {{o.Settings.TrainTimeSeconds:F0}} s, used {{o.Seconds:F0}} s.</p>
            <h2>Leaderboard</h2>
            <table id="leaderboard"><tr><th>#</th><th>Pipeline</th><th>{{E(o.MetricName)}}</th><th>Time (s)</th><th>Status</th><th>Note</th></tr>

            """);
        foreach (var r in o.Results.OrderByDescending(r => r.Metric ?? double.NegativeInfinity))
            html.Append($"<tr{(r == o.Best ? " class=\"best\"" : "")}><td>{E(r.Candidate.Id)}</td><td>{E(r.Candidate.Pipeline)}</td><td class=\"num\">{F(r.Metric)}</td>" +
                $"<td class=\"num\">{r.Seconds.ToString("F1", CultureInfo.InvariantCulture)}</td><td>{E(r.Status.ToString().ToLowerInvariant())}</td><td>{E(r.Note)}</td></tr>\n");
        html.Append("</table>\n<h2>What was chosen and why</h2>\n<ul id=\"notes\">\n");
        foreach (var note in o.Notes)
            html.Append($"<li>{E(note)}</li>\n");
        foreach (var enc in o.Encodings)
            html.Append($"<li>Encoded {enc.Rows} rows with {E(enc.Encoder)} at {enc.MaxTokens} tokens{(enc.Windows ? " (overlapping windows)" : "")} in {enc.Seconds:F1} s ({enc.RowsPerSecond:F1} rows/s), once for all its trainers.</li>\n");
        html.Append("</ul>\n");
        if (evaluation != null)
        {
            html.Append($"<h2>Metrics of the kept model on {E(on)}</h2>\n<table id=\"metrics\">");
            foreach (var (name, value) in evaluation.Metrics)
                html.Append($"<tr><th>{E(name)}</th><td class=\"num\">{F(value)}</td></tr>");
            html.Append("</table>\n");
        }
        if (perClass.Count > 0)
        {
            html.Append("<table id=\"per-class\"><tr><th>Class</th><th>Precision</th><th>Recall</th><th>F1</th><th>Rows</th></tr>\n");
            foreach (var c in perClass)
                html.Append($"<tr><td>{E(c.Class)}</td><td class=\"num\">{F(c.Precision)}</td><td class=\"num\">{F(c.Recall)}</td><td class=\"num\">{F(c.F1)}</td><td class=\"num\">{c.Support}</td></tr>\n");
            html.Append("</table>\n");
        }
        html.Append("<h2>Plots</h2>\n");
        foreach (var (file, title) in images)
            html.Append($"<figure><img src=\"{E(file)}\" alt=\"{E(title)}\"><figcaption>{E(title)}</figcaption></figure>\n");
        if (o.Samples.Count > 0)
        {
            html.Append("<h2>Sample predictions (as the generated project prints them)</h2>\n<table id=\"samples\"><tr><th>Prediction</th><th>Score</th><th>Text</th></tr>\n");
            foreach (var s in o.Samples)
                html.Append($"<tr><td>{E(s.Predicted)}</td><td class=\"num\">{s.Score.ToString("F4", CultureInfo.InvariantCulture)}</td><td>{E(s.Text)}</td></tr>\n");
            html.Append("</table>\n");
        }
        html.Append("""
            <p id="status">loading</p>
            <script>
            window.addEventListener('load', () => {
              const imgs = [...document.images];
              const ok = imgs.filter(i => i.complete && i.naturalWidth > 0).length;
              document.getElementById('status').textContent = `images loaded: ${ok} of ${imgs.length}`;
            });
            </script>
            </body></html>

            """);
        string path = Path.Combine(folder, "index.html");
        File.WriteAllText(path, html.ToString());
        return path;
    }
}

using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using MLNetContextual.Cli.Sweep;

namespace MLNetContextual.Cli.Output;

/// <summary>run.json: the data, the settings, every candidate with its metrics and time, what was chosen, and versions.</summary>
public static class RunRecord
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals, Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The record as an object graph (serialised by <see cref="Write"/>).</summary>
    public static object Of(SweepOutcome o) => new
    {
        tool = "mlnetctx",
        created = DateTimeOffset.UtcNow,
        task = o.Settings.Task,
        data = new
        {
            dataset = Path.GetFullPath(o.Settings.Dataset),
            validation = o.Settings.ValidationDataset,
            test = o.Settings.TestDataset,
            label = o.Train.LabelName,
            text = o.Train.TextNames,
            trainingRows = o.Train.Examples.Count,
            validationRows = o.Valid.Examples.Count,
            testRows = o.Test?.Examples.Count,
            classes = o.ScoreClasses,
            positiveClass = o.Train.PositiveClass,
            tokenLengths = o.TokenLengths,
        },
        settings = o.Settings,
        scoring = o.Scoring,
        metric = o.MetricName,
        encodings = o.Encodings,
        candidates = o.Results.Select(r => new
        {
            id = r.Candidate.Id,
            kind = r.Candidate.Kind,
            pipeline = r.Candidate.Pipeline,
            encoder = r.Candidate.Encoder?.Source,
            trainer = r.Candidate.Trainer?.Name,
            status = r.Status,
            metric = r.Metric,
            metrics = r.Evaluation?.Metrics,
            folds = r.Folds,
            seconds = Math.Round(r.Seconds, 2),
            note = r.Note,
            curve = r.Curve?.Select(p => new { p.Epoch, p.Step, p.TotalSteps, loss = double.IsNaN(p.Loss) ? (double?)null : p.Loss, validation = p.ValidationMetric }),
        }),
        chosen = new
        {
            id = o.Best.Candidate.Id,
            pipeline = o.Best.Candidate.Pipeline,
            metric = o.Best.Metric,
            maxTokens = o.MaxTokens,
            retrainedOnAllRows = o.RetrainedOnAll,
            interrupted = o.Interrupted,
            test = o.TestEvaluation?.Metrics,
        },
        notes = o.Notes,
        samples = o.Samples,
        seconds = Math.Round(o.Seconds, 1),
        versions = new
        {
            mlnetctx = Version(typeof(RunRecord).Assembly),
            mlnetContextual = Version(typeof(ContextualEncoder).Assembly),
            estimators = Version(typeof(BertCheckpoint).Assembly),
            mlNet = Version(typeof(Microsoft.ML.MLContext).Assembly),
            onnxRuntime = Version(typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly),
            dotnet = Environment.Version.ToString(),
            os = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        },
    };

    /// <summary>Writes run.json into <paramref name="folder"/>.</summary>
    public static string Write(string folder, SweepOutcome outcome)
    {
        string path = Path.Combine(folder, "run.json");
        File.WriteAllText(path, JsonSerializer.Serialize(Of(outcome), Json));
        return path;
    }

    private static string Version(Assembly a) =>
        a.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? a.GetName().Version?.ToString();
}

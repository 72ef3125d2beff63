using System.Diagnostics;
using Microsoft.ML;
using Spectre.Console;

namespace MLNetContextual.Cli;

/// <summary><c>mlnetctx train</c>: load, split, train, evaluate, save the zip, write the code that uses it.</summary>
public static class TrainCommand
{
    public static int Run(TrainSettings settings)
    {
        try
        {
            var result = Train(settings, AnsiConsole.Console);
            AnsiConsole.MarkupLineInterpolated($"[green]Saved[/] {result.ZipPath} and {result.CodePath}");
            return 0;
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidDataException or InvalidOperationException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return 1;
        }
    }

    /// <summary>Trains and evaluates; returns the metrics and where the model and code were written.</summary>
    public static TrainResult Train(TrainSettings s, IAnsiConsole console)
    {
        if (s.TestFraction is <= 0 or >= 1)
            throw new ArgumentException($"--test-fraction is {s.TestFraction}; it must be between 0 and 1.");
        var dataset = TabularDataset.Open(s.Data.FullName, s.TextColumn, s.LabelColumn);
        var ml = new MLContext(seed: s.Seed);
        var data = dataset.Load(ml, booleanLabel: dataset.IsBinary);
        var split = ml.Data.TrainTestSplit(data, s.TestFraction, seed: s.Seed);
        console.MarkupLineInterpolated(
            $"[bold]{(dataset.IsBinary ? "Binary" : $"{dataset.Classes.Length}-class")}[/] classification of '{s.TextColumn}' by '{s.LabelColumn}', mode {s.Mode}");

        var (labels, pipeline) = Pipelines.Create(ml, dataset.IsBinary, s.Mode, s.Epochs);
        IDataView train = split.TrainSet, test = split.TestSet;
        if (labels != null)
        {
            var keys = labels.Fit(train);
            (train, test) = (keys.Transform(train), keys.Transform(test));
        }
        var watch = Stopwatch.StartNew();
        var model = pipeline.Fit(train);
        var trainTime = watch.Elapsed;
        var predictions = model.Transform(test);

        var metrics = new List<(string Name, double Value)>();
        if (dataset.IsBinary)
        {
            var m = ml.BinaryClassification.Evaluate(predictions);
            metrics.Add(("Accuracy", m.Accuracy));
            metrics.Add(("AUC", m.AreaUnderRocCurve));
            metrics.Add(("F1", m.F1Score));
        }
        else
        {
            var m = ml.MulticlassClassification.Evaluate(predictions, labelColumnName: "Label", predictedLabelColumnName: "PredictedLabelKey");
            metrics.Add(("Micro-accuracy", m.MicroAccuracy));
            metrics.Add(("Macro-accuracy", m.MacroAccuracy));
            metrics.Add(("Log-loss", m.LogLoss));
        }

        var table = new Table().AddColumn("Metric (held-out rows)").AddColumn(new TableColumn("Value").RightAligned());
        foreach (var (name, value) in metrics)
            table.AddRow(name, value.ToString("F4"));
        table.AddRow("Training time", $"{trainTime.TotalSeconds:F1} s");
        console.Write(table);

        s.Output.Create();
        string zip = Path.Combine(s.Output.FullName, "model.zip");
        ml.Model.Save(model, train.Schema, zip);
        string code = Path.Combine(s.Output.FullName, "ConsumeModel.cs");
        File.WriteAllText(code, ConsumeCode.Write(dataset.IsBinary, s.Mode, dataset.Classes));
        return new TrainResult(metrics, zip, code);
    }
}

/// <summary>What a training run produced.</summary>
public sealed record TrainResult(IReadOnlyList<(string Name, double Value)> Metrics, string ZipPath, string CodePath);

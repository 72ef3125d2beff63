using Microsoft.ML;
using MLNetContextual.Cli;
using Spectre.Console.Testing;

namespace MLNetContextual.Tests;

public class TrainCommandTests
{
    private static readonly string[] Sport =
    [
        "The striker scored twice in the final.", "Our team won the league on Sunday.", "The goalkeeper saved a penalty.",
        "She ran the marathon in record time.", "The coach praised the defenders.", "A late goal decided the derby.",
        "The tennis match went to five sets.", "He hit a home run in the ninth inning.",
    ];
    private static readonly string[] Food =
    [
        "Add the garlic and fry until golden.", "This soup needs more salt and pepper.", "Bake the bread for forty minutes.",
        "The chef served grilled fish with lemon.", "Whisk the eggs with sugar and butter.", "The curry was rich and spicy.",
        "Slice the tomatoes and dress the salad.", "We ate fresh pasta with basil.",
    ];
    private static readonly string[] Weather =
    [
        "Heavy rain is expected tomorrow morning.", "A cold front brings snow to the hills.", "Sunny skies and warm temperatures today.",
        "Strong winds will ease by the evening.", "Fog will clear by midday.", "Thunderstorms are likely this afternoon.",
        "Frost overnight with clear skies.", "Temperatures drop below freezing tonight.",
    ];

    [Fact]
    public void Multiclass_Features_WritesEvaluatedZipAndCode()
    {
        using var dir = new TempFolder();
        var rows = Sport.Select(t => (t, "sport")).Concat(Food.Select(t => (t, "food"))).Concat(Weather.Select(t => (t, "weather")));
        File.WriteAllLines(dir.File("topics.tsv"), rows.Select(r => $"{r.Item1}\t{r.Item2}").Prepend("Sentence\tTopic"));

        var console = new TestConsole();
        var result = TrainCommand.Train(new TrainSettings(new FileInfo(dir.File("topics.tsv")), "Sentence", "Topic", TrainingMode.Features,
            new DirectoryInfo(dir.File("out")), 0.25, 1, 1), console);

        Assert.Contains(result.Metrics, m => m.Name == "Micro-accuracy" && m.Value is >= 0 and <= 1);
        Assert.Contains("3-class", console.Output);
        string code = File.ReadAllText(result.CodePath);
        Assert.Contains("public string PredictedLabel", code);
        Assert.Contains("\"food\", \"sport\", \"weather\"", code);

        var ml = new MLContext();
        var model = ml.Model.Load(result.ZipPath, out _);
        using var engine = ml.Model.CreatePredictionEngine<Input, Output>(model);
        Assert.Equal("weather", engine.Predict(new Input { Text = "Expect snow and icy roads tonight." }).PredictedLabel);
        Assert.Equal("food", engine.Predict(new Input { Text = "Stir the onions and simmer the sauce." }).PredictedLabel);
    }

    [Fact]
    public void Binary_Features_FromCsvWithQuotes()
    {
        using var dir = new TempFolder();
        var lines = Sport.Select(t => $"\"{t}\",1").Concat(Food.Select(t => $"\"{t}\",0")).Prepend("Text,Label");
        File.WriteAllLines(dir.File("data.csv"), lines);
        var result = TrainCommand.Train(new TrainSettings(new FileInfo(dir.File("data.csv")), "Text", "Label", TrainingMode.Features,
            new DirectoryInfo(dir.File("out")), 0.25, 1, 1), new TestConsole());
        Assert.Contains(result.Metrics, m => m.Name == "AUC");
        Assert.Contains("public bool PredictedLabel", File.ReadAllText(result.CodePath));
    }

    [Fact]
    public void MissingColumn_ListsTheColumns()
    {
        using var dir = new TempFolder();
        File.WriteAllLines(dir.File("d.tsv"), ["Text\tLabel", "a\t1", "b\t0"]);
        var e = Assert.Throws<ArgumentException>(() => TrainCommand.Train(new TrainSettings(new FileInfo(dir.File("d.tsv")), "Review", "Label",
            TrainingMode.Features, new DirectoryInfo(dir.File("out")), 0.2, 1, 1), new TestConsole()));
        Assert.Contains("'Review' is not in the header", e.Message);
        Assert.Contains("Text, Label", e.Message);
    }

    private sealed class Input
    {
        public string Text { get; set; }
    }

    private sealed class Output
    {
        public string PredictedLabel { get; set; }
    }
}

using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetContextual.Cli;
using MLNetContextual.Cli.Data;
using MLNetContextual.Cli.Sweep;
using Spectre.Console.Testing;

namespace MLNetContextual.Tests;

public class SweepTests
{
    internal static SweepSettings Settings(string dataset, string output, double seconds = 120, params string[] encoders) => new()
    {
        Task = TaskKind.Classification, Dataset = dataset, Output = output, TrainTimeSeconds = seconds, NoFineTune = true,
        Encoders = encoders.Length > 0 ? encoders : ["minilm"], LabelColumn = "Topic", TextColumns = ["Sentence"], Name = "Topics",
    };

    [Fact]
    public void Multiclass_WritesZipProjectsRecordReport_ClassNamesInScoreOrder()
    {
        using var dir = new TempFolder();
        var console = CliData.Console();
        var settings = Settings(CliData.Topics(dir), dir.File("out")) with { LogFile = dir.File("logs/run.log"), Verbosity = MLNetContextual.Cli.Terminal.Verbosity.Diagnostic };
        int code = SweepCommand.Execute(settings, console, CancellationToken.None, out var written);
        Assert.True(code == 0, console.Output);
        string log = File.ReadAllText(dir.File("logs/run.log"));
        Assert.Contains("Encoding rows (all-MiniLM-L6-v2, 64 tokens)", log);   // progress milestones are logged
        Assert.Contains("c1 FeaturizeText → L-BFGS max-entropy: Done", log);
        Assert.Contains("MacroAccuracy", console.Output);                        // diag: every metric of every candidate

        // Every candidate kind ran on the validation split and is on the leaderboard.
        Assert.Contains("Leaderboard", console.Output);
        Assert.Contains("FeaturizeText → SDCA max-entropy", console.Output);
        Assert.Contains("all-MiniLM-L6-v2 (mean) → L-BFGS max-entropy", console.Output);
        Assert.Contains("Encoded 24 rows with all-MiniLM-L6-v2", console.Output);
        foreach (var file in new[] { written.Zip, written.RunRecord, written.Report, Path.Combine(written.ConsumeProject, "Topics.ConsoleApp.csproj"),
            Path.Combine(written.ConsumeProject, "Program.cs"), Path.Combine(written.ConsumeProject, "ModelInput.cs"), Path.Combine(written.ConsumeProject, "ModelOutput.cs"),
            Path.Combine(written.TrainingProject, "Program.cs"), Path.Combine(written.TrainingProject, "Topics.Training.csproj") })
            Assert.True(File.Exists(file), file);
        Assert.Empty(Directory.GetDirectories(dir.Path, ".out.mlnetctx-*"));

        // Class names follow the key order of the saved model's Score (first occurrence: weather, sport, food), not
        // alphabetical order, and the generated Describe picks the class the model predicts.
        string consume = File.ReadAllText(Path.Combine(written.ConsumeProject, "ConsumeModel.cs"));
        Assert.Contains("Names = [\"weather\", \"sport\", \"food\"]", consume);
        Assert.Contains("<None Include=\"../model.zip\" Link=\"model.zip\" CopyToOutputDirectory=\"PreserveNewest\" />",
            File.ReadAllText(Path.Combine(written.ConsumeProject, "Topics.ConsoleApp.csproj")));
        var ml = new MLContext();
        var model = ml.Model.Load(written.Zip, out var schema);
        var output = model.GetOutputSchema(schema);
        VBuffer<ReadOnlyMemory<char>> slots = default;
        output["Score"].GetSlotNames(ref slots);
        Assert.Equal(["weather", "sport", "food"], slots.DenseValues().Select(v => v.ToString()));
        using var engine = ml.Model.CreatePredictionEngine<TextIn, MulticlassOut>(model);
        foreach (var text in new[] { "Expect snow and icy roads tonight.", "Stir the onions and simmer the sauce.", "The referee sent off two players." })
        {
            var p = engine.Predict(new TextIn { Text = text });
            Assert.Equal(p.PredictedLabel, MLNetContextual.Cli.Output.PredictionText.Multiclass(p.Score, ["weather", "sport", "food"]).Class);
        }

        // run.json: data, settings, every candidate with metrics and time, the choice, versions.
        using var record = JsonDocument.Parse(File.ReadAllText(written.RunRecord));
        var root = record.RootElement;
        Assert.Equal(24, root.GetProperty("data").GetProperty("trainingRows").GetInt32() + root.GetProperty("data").GetProperty("validationRows").GetInt32());
        var candidates = root.GetProperty("candidates").EnumerateArray().ToList();
        Assert.True(candidates.Count >= 5, $"{candidates.Count} candidates");
        Assert.All(candidates.Where(c => c.GetProperty("status").GetString() == "Done"), c =>
        {
            Assert.InRange(c.GetProperty("metric").GetDouble(), 0, 1);
            Assert.True(c.GetProperty("seconds").GetDouble() >= 0);
            Assert.True(c.GetProperty("metrics").TryGetProperty("MicroAccuracy", out _));
        });
        Assert.Equal(120, root.GetProperty("settings").GetProperty("TrainTimeSeconds").GetDouble());
        Assert.StartsWith("5.0.1", root.GetProperty("versions").GetProperty("mlNet").GetString());
        Assert.True(root.GetProperty("chosen").GetProperty("retrainedOnAllRows").GetBoolean());
        Assert.Equal(5, root.GetProperty("samples").GetArrayLength());
        Assert.True(root.GetProperty("data").GetProperty("tokenLengths").TryGetProperty("all-MiniLM-L6-v2", out _));

        // The training project reproduces the pipeline in plain C#.
        string training = File.ReadAllText(Path.Combine(written.TrainingProject, "Program.cs"));
        Assert.Contains("MapValueToKey(\"Label\")", training);
        Assert.Contains("ml.Model.Save(model", training);
    }

    [Fact]
    public void Binary_CsvWithoutHeader_LabelByIndex_TestSetEvaluated()
    {
        using var dir = new TempFolder();
        string csv = CliData.BinaryCsv(dir);
        var settings = Settings(csv, dir.File("out"), 60, "none") with { LabelColumn = "0", TextColumns = ["1"], HasHeader = false, TestDataset = csv };
        var console = CliData.Console();
        int code = SweepCommand.Execute(settings, console, CancellationToken.None, out var written);
        Assert.True(code == 0, console.Output);
        Assert.Contains("Binary classification (positive class '1')", console.Output);
        Assert.Contains("Test set (16 rows): Accuracy", console.Output);
        string consume = File.ReadAllText(Path.Combine(written.ConsumeProject, "ConsumeModel.cs"));
        Assert.Contains("Names = [\"0\", \"1\"]", consume);
        Assert.Contains("public bool PredictedLabel", File.ReadAllText(Path.Combine(written.ConsumeProject, "ModelOutput.cs")));
        using var record = JsonDocument.Parse(File.ReadAllText(written.RunRecord));
        Assert.True(record.RootElement.GetProperty("chosen").GetProperty("test").TryGetProperty("AreaUnderRocCurve", out _));
        Assert.True(File.Exists(Path.Combine(written.Folder, "report", "roc.png")));
        Assert.True(File.Exists(Path.Combine(written.Folder, "report", "pr.png")));
    }

    [Fact]
    public void Regression_CrossValidated()
    {
        using var dir = new TempFolder();
        var rows = new List<string> { "Text\tScore" };
        for (int i = 0; i < 8; i++)
        {
            rows.Add($"{CliData.Weather[i]}\t{1 + 0.1 * i:F1}");
            rows.Add($"{CliData.Food[i]}\t{4 + 0.1 * i:F1}");
        }
        File.WriteAllLines(dir.File("r.tsv"), rows);
        var settings = Settings(dir.File("r.tsv"), dir.File("out"), 60, "none") with
        {
            Task = TaskKind.Regression, LabelColumn = "Score", TextColumns = ["Text"], CvFolds = 3,
        };
        var console = CliData.Console();
        int code = SweepCommand.Execute(settings, console, CancellationToken.None, out var written);
        Assert.True(code == 0, console.Output);
        Assert.Contains("3-fold cross-validation", console.Output);
        using var record = JsonDocument.Parse(File.ReadAllText(written.RunRecord));
        var done = record.RootElement.GetProperty("candidates").EnumerateArray().First(c => c.GetProperty("status").GetString() == "Done");
        Assert.Equal(3, done.GetProperty("folds").GetArrayLength());
        Assert.Contains("public float Score", File.ReadAllText(Path.Combine(written.ConsumeProject, "ModelOutput.cs")));
    }

    [Fact]
    public void TrainTimeTooShort_SaysWhatWouldFit_WritesNothing()
    {
        using var dir = new TempFolder();
        var console = CliData.Console();
        int code = SweepCommand.Execute(Settings(CliData.Topics(dir), dir.File("out"), 0.001), console, CancellationToken.None, out var written);
        Assert.Equal(1, code);
        Assert.Null(written);
        Assert.Contains("too short for even one candidate", console.Output);
        Assert.Matches(@"--train-time \d+ would fit it", console.Output);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public void CtrlC_AfterFirstCandidate_KeepsBestSoFar_AndSaysSo()
    {
        using var dir = new TempFolder();
        using var cancel = new CancellationTokenSource();
        var console = CliData.Console();
        int code = SweepCommand.Execute(Settings(CliData.Topics(dir), dir.File("out")), console, cancel.Token, out var written,
            afterCandidate: r => cancel.Cancel());
        Assert.True(code == 0, console.Output);
        Assert.Contains("Interrupted by Ctrl+C: kept the best model so far (FeaturizeText → L-BFGS max-entropy)", console.Output);
        using var record = JsonDocument.Parse(File.ReadAllText(written.RunRecord));
        Assert.True(record.RootElement.GetProperty("chosen").GetProperty("interrupted").GetBoolean());
        Assert.False(record.RootElement.GetProperty("chosen").GetProperty("retrainedOnAllRows").GetBoolean());
        Assert.Single(record.RootElement.GetProperty("candidates").EnumerateArray(), c => c.GetProperty("status").GetString() == "Done");
        Assert.True(File.Exists(written.Zip));
        Assert.Empty(Directory.GetDirectories(dir.Path, ".out.mlnetctx-*"));
    }

    [Fact]
    public void CtrlC_BeforeAnyCandidate_WritesNothing()
    {
        using var dir = new TempFolder();
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var console = CliData.Console();
        int code = SweepCommand.Execute(Settings(CliData.Topics(dir), dir.File("out")), console, cancel.Token, out _);
        Assert.Equal(130, code);
        Assert.Contains("Interrupted before any candidate finished; nothing was written", console.Output);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public void BadInput_ExitsWithTheMessage()
    {
        using var dir = new TempFolder();
        var console = CliData.Console();
        Assert.Equal(1, SweepCommand.Execute(Settings(dir.File("missing.tsv"), dir.File("out")), console, CancellationToken.None, out _));
        Assert.Contains("does not exist", console.Output);

        File.WriteAllLines(dir.File("one.tsv"), ["Sentence\tTopic", "a\tx", "b\tx"]);
        console = CliData.Console();
        Assert.Equal(1, SweepCommand.Execute(Settings(dir.File("one.tsv"), dir.File("out")), console, CancellationToken.None, out _));
        Assert.Contains("one class", console.Output);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public void TokenLengths_LongTexts_AdviseWindows()
    {
        var tokenizer = BertTextTokenizer.MiniLM;
        string longText = string.Join(" ", Enumerable.Repeat("the film was long and slow but the acting was fine", 80));
        var lengths = TokenLengths.Measure(tokenizer, Enumerable.Repeat(longText, 20).Append("short").ToList(), modelLimit: 512);
        Assert.True(lengths.IsLong);
        Assert.Equal(512, lengths.Choose());
        Assert.Contains("overlapping windows", lengths.Advice(lengths.Choose()));

        var shortLengths = TokenLengths.Measure(tokenizer, CliData.Sport, 512);
        Assert.False(shortLengths.IsLong);
        Assert.Equal(64, shortLengths.Choose());
    }

    [Fact]
    public void GeneratedProjects_PackageReferences_WhenNotInARepository()
    {
        var references = MLNetContextual.Cli.Output.LibraryReferences.Choose("package", Path.GetTempPath());
        Assert.Null(references.Repository);
        string items = references.Items(Path.GetTempPath(), estimators: true, ["Microsoft.ML.LightGbm"]);
        Assert.Contains("<PackageReference Include=\"MLNetContextual\" Version=", items);
        Assert.Contains("<PackageReference Include=\"MLNetContextual.Estimators\" Version=", items);
        Assert.Contains("<PackageReference Include=\"Microsoft.ML.LightGbm\" Version=\"[5.0.1]\" />", items);
        var repo = MLNetContextual.Cli.Output.LibraryReferences.Choose("auto", Path.GetTempPath());
        Assert.NotNull(repo.Repository);   // the tests run from the repository's build output
        Assert.Contains("src/Transforms/MLNetContextual.csproj\" />", repo.Items(Path.GetTempPath(), false, []));
    }

    public sealed class TextIn
    {
        public string Text { get; set; }
    }

    public sealed class MulticlassOut
    {
        public string PredictedLabel { get; set; }
        public float[] Score { get; set; }
    }
}

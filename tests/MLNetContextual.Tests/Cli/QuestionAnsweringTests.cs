using System.Text.Json;
using MLNetContextual.Cli;
using MLNetContextual.Cli.Data;
using MLNetContextual.Cli.Sweep;
using MLNetContextual.Tests.FineTuning;

namespace MLNetContextual.Tests;

[Collection("mlnetctx torch")]
public class QuestionAnsweringTests
{
    private static string Squad(TempFolder dir)
    {
        object Article(string title, string context, params (string Q, string A)[] qas) => new
        {
            title,
            paragraphs = new[]
            {
                new { context, qas = qas.Select((qa, i) => new { id = $"{title}-{i}", question = qa.Q, answers = new[] { new { text = qa.A, answer_start = context.IndexOf(qa.A) } } }) },
            },
        };
        var json = new
        {
            data = new[]
            {
                Article("Town", "The town was founded in 1742 on the river Vell. Its bridge is built from red sandstone.",
                    ("When was the town founded?", "1742"), ("What is the bridge built from?", "red sandstone"), ("Which river?", "Vell")),
                Article("Bakery", "The bakery on Mill Street is famous for its rye sourdough and opens at six.",
                    ("What is the bakery famous for?", "rye sourdough"), ("When does it open?", "six")),
            },
        };
        File.WriteAllText(dir.File("squad.json"), JsonSerializer.Serialize(json));
        return dir.File("squad.json");
    }

    [Fact]
    public void FineTunesOnSquadJson_WritesZipProjectReport()
    {
        using var dir = new TempFolder();
        string squad = Squad(dir);
        var vocabulary = TinyBert.Vocabulary(File.ReadAllText(squad).Split('"'));
        string hf = dir.File("tiny-bert");
        using (var model = new BertModel(TinyBert.Config(vocabulary.Count, maxPositions: 512)))
            BertWeights.SaveHuggingFace(model, hf);
        File.WriteAllLines(Path.Combine(hf, "vocab.txt"), vocabulary);

        var console = CliData.Console();
        int code = QuestionAnsweringCommand.Execute(new SweepSettings
        {
            Task = TaskKind.QuestionAnswering, Dataset = squad, Output = dir.File("qa"), TrainTimeSeconds = 120, Encoders = [hf], Name = "Qa",
        }, console, CancellationToken.None);
        Assert.True(code == 0, console.Output);
        Assert.Contains("on 3 questions, scored on 2 validation questions", console.Output);   // the second article is held out
        Assert.True(File.Exists(dir.File("qa/model.zip")));
        Assert.Contains("public string[] Answer", File.ReadAllText(dir.File("qa/Qa.ConsoleApp/Program.cs")));
        Assert.True(File.Exists(dir.File("qa/report/learning.png")));
        using var record = JsonDocument.Parse(File.ReadAllText(dir.File("qa/run.json")));
        Assert.Equal(2, record.RootElement.GetProperty("validation").GetProperty("Count").GetInt32());
    }

    [Fact]
    public void NotSquadJson_NamesTheLine()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("bad.json"), "{\n  \"data\": [\n    { \"title\": \"x\", }\n  ]\n}");
        var console = CliData.Console();
        int code = QuestionAnsweringCommand.Execute(new SweepSettings
        {
            Task = TaskKind.QuestionAnswering, Dataset = dir.File("bad.json"), Output = dir.File("qa"), TrainTimeSeconds = 60,
        }, console, CancellationToken.None);
        Assert.Equal(1, code);
        Assert.Contains("line 3", console.Output);
        Assert.False(Directory.Exists(dir.File("qa")));
    }
}

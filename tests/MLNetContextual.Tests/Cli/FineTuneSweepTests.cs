using System.Text.Json;
using MLNetContextual.Cli;
using MLNetContextual.Cli.Sweep;
using MLNetContextual.Tests.FineTuning;
using Spectre.Console.Testing;

namespace MLNetContextual.Tests;

// One collection with the question-answering tests: one test here turns libtorch off through the environment.
[Collection("mlnetctx torch")]
public class FineTuneSweepTests
{
    [Fact]
    public void HuggingFaceFolder_FineTunedInTheSweep_WithProgressAndLearningCurve()
    {
        using var dir = new TempFolder();
        string csv = CliData.BinaryCsv(dir);
        // A tiny untrained BERT saved as a Hugging Face checkpoint folder (config.json, model.safetensors, vocab.txt).
        var vocabulary = TinyBert.Vocabulary(CliData.Sport.Concat(CliData.Food));
        string hf = dir.File("tiny-bert");
        using (var model = new BertModel(TinyBert.Config(vocabulary.Count)))
            BertWeights.SaveHuggingFace(model, hf);
        File.WriteAllLines(Path.Combine(hf, "vocab.txt"), vocabulary);

        var settings = SweepTests.Settings(csv, dir.File("out"), 120, hf) with
        {
            LabelColumn = "0", TextColumns = ["1"], HasHeader = false, NoFineTune = false,
        };
        var console = CliData.Console();
        int code = SweepCommand.Execute(settings, console, CancellationToken.None, out var written);
        Assert.True(code == 0, console.Output);
        using var record = JsonDocument.Parse(File.ReadAllText(written.RunRecord));
        var tuned = record.RootElement.GetProperty("candidates").EnumerateArray().Single(c => c.GetProperty("kind").GetString() == "FineTune");
        Assert.Equal("Done", tuned.GetProperty("status").GetString());
        Assert.Equal("fine-tune tiny-bert", tuned.GetProperty("pipeline").GetString());
        Assert.True(tuned.GetProperty("curve").GetArrayLength() > 0);
        Assert.Contains("Fine-tuning tiny-bert", console.Output);   // the progress line with its ETA
        Assert.Contains("ETA", console.Output);
        Assert.True(File.Exists(Path.Combine(written.Folder, "report", $"learning-{tuned.GetProperty("id").GetString()}.png")));
    }

    [Fact]
    public void WithoutTorchNatives_FineTuningSkippedWithTheReason()
    {
        using var dir = new TempFolder();
        Environment.SetEnvironmentVariable("MLNETCTX_NO_TORCH", "1");
        try
        {
            var settings = SweepTests.Settings(CliData.BinaryCsv(dir), dir.File("out"), 300) with
            {
                LabelColumn = "0", TextColumns = ["1"], HasHeader = false, NoFineTune = false, Encoders = ["minilm"],
            };
            var console = CliData.Console();
            // The baselines and the fine-tuning candidate only (no encoding), so that the budget cannot run out first.
            int code = SweepCommand.Execute(settings, console, CancellationToken.None, out var written,
                search: all => new OrderedSearch(all.Where(c => c.Kind != CandidateKind.FrozenEncoder)));
            Assert.True(code == 0, console.Output);
            using var record = JsonDocument.Parse(File.ReadAllText(written.RunRecord));
            var tuned = record.RootElement.GetProperty("candidates").EnumerateArray().Single(c => c.GetProperty("kind").GetString() == "FineTune");
            Assert.Equal("Skipped", tuned.GetProperty("status").GetString());
            Assert.Contains("libtorch", tuned.GetProperty("note").GetString());
        }
        finally
        {
            Environment.SetEnvironmentVariable("MLNETCTX_NO_TORCH", null);
        }
    }
}

using System.Diagnostics;
using MLNetContextual.Cli;
using MLNetContextual.Cli.Sweep;
using Spectre.Console.Testing;

namespace MLNetContextual.Tests;

public class GeneratedProjectTests
{
    /// <summary>
    /// The one slow test of mlnetctx: the consumption project generated into a clean folder outside the repository
    /// builds and runs with dotnet run as generated, and prints the predictions mlnetctx printed.
    /// </summary>
    [Fact]
    public void ConsumptionProject_BuildsAndRunsAsGenerated_SamePredictionsAsTheCli()
    {
        using var dir = new TempFolder();
        var settings = SweepTests.Settings(CliData.Topics(dir), dir.File("clean"), 120);
        // Keep the search to one frozen-encoder candidate so that the zip holds the MiniLM transform.
        var console = CliData.Console();
        int code = SweepCommand.Execute(settings, console, CancellationToken.None, out var written,
            search: all => new OrderedSearch(all.Where(c => c.Kind == CandidateKind.FrozenEncoder).Take(1)));
        Assert.True(code == 0, console.Output);
        var expected = File.ReadAllText(written.RunRecord);

        var start = new ProcessStartInfo("dotnet", ["run", "-c", "Release"])
        {
            WorkingDirectory = written.ConsumeProject, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var run = Process.Start(start);
        string stdout = run.StandardOutput.ReadToEnd(), stderr = run.StandardError.ReadToEnd();
        run.WaitForExit();
        Assert.True(run.ExitCode == 0, stdout + stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        using var record = System.Text.Json.JsonDocument.Parse(expected);
        var samples = record.RootElement.GetProperty("samples").EnumerateArray().Select(s => s.GetProperty("Line").GetString()).ToList();
        Assert.Equal(5, samples.Count);
        Assert.Equal(samples, lines.TakeLast(samples.Count));
    }
}

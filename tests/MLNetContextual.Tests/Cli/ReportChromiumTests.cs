using System.Diagnostics;
using MLNetContextual.Cli;
using Spectre.Console.Testing;

namespace MLNetContextual.Tests;

/// <summary>A test that needs headless Chromium (Debian: apt-get install -y chromium); reported as skipped without it.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (ReportChromiumTests.Chromium == null)
            Skip = "chromium is not installed (apt-get update && apt-get install -y chromium)";
    }
}

public class ReportChromiumTests
{
    internal static readonly string Chromium = new[] { "chromium", "chromium-browser", "google-chrome" }
        .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(dir => Path.Combine(dir, name)))
        .FirstOrDefault(File.Exists);

    [ChromiumFact]
    public void ReportPage_RendersInHeadlessChromium_WithLeaderboardAndPlots()
    {
        using var dir = new TempFolder();
        string csv = CliData.BinaryCsv(dir);
        var settings = SweepTests.Settings(csv, dir.File("out"), 60, "none") with { LabelColumn = "0", TextColumns = ["1"], HasHeader = false };
        int code = SweepCommand.Execute(settings, CliData.Console(), CancellationToken.None, out var written);
        Assert.Equal(0, code);

        var start = new ProcessStartInfo(Chromium)
        {
            ArgumentList = { "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files", "--virtual-time-budget=5000",
                "--user-data-dir=" + dir.File("chromium-profile"), "--dump-dom", new Uri(written.Report).AbsoluteUri },
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var chromium = Process.Start(start);
        string dom = chromium.StandardOutput.ReadToEnd();
        chromium.WaitForExit(60_000);
        Assert.True(dom.Length > 0, chromium.StandardError.ReadToEnd());

        Assert.Contains("FeaturizeText → SDCA logistic", dom);
        Assert.Contains("id=\"leaderboard\"", dom);
        Assert.Contains("Confusion matrix", dom);
        Assert.Contains("ROC curve", dom);
        // The page's script counts the images the browser decoded: every PNG must have loaded.
        var status = System.Text.RegularExpressions.Regex.Match(dom, @"images loaded: (\d+) of (\d+)");
        Assert.True(status.Success, "the page's load script did not run");
        Assert.Equal(status.Groups[2].Value, status.Groups[1].Value);
        Assert.True(int.Parse(status.Groups[1].Value) >= 5, status.Value);
    }
}

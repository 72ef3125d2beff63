using System.Diagnostics;
using System.Globalization;

namespace MLNetContextual.Tests;

/// <summary>Runs MLNetContextual.FreshProcess: loads a zip in another process and returns its output vectors.</summary>
public static class FreshProcess
{
    /// <summary>Asserts (on Linux, where the process reports its mapped native libraries) that none of libtorch, libc10
    /// or libLibTorchSharp was loaded.</summary>
    public static void AssertNoLibTorch(string[] nativeLibraries)
    {
        if (OperatingSystem.IsLinux())
            Assert.DoesNotContain(nativeLibraries, l => Path.GetFileName(l).StartsWith("libtorch", StringComparison.Ordinal)
                || Path.GetFileName(l).StartsWith("libLibTorchSharp", StringComparison.Ordinal) || Path.GetFileName(l).StartsWith("libc10", StringComparison.Ordinal));
    }

    public static float[][] Transform(string zipPath, IEnumerable<string> texts, string outputColumn) =>
        Transform(zipPath, texts, outputColumn, out _);

    /// <summary>As <see cref="Transform(string, IEnumerable{string}, string)"/>, and the native libraries the process had
    /// mapped when it was done (paths).</summary>
    public static float[][] Transform(string zipPath, IEnumerable<string> texts, string outputColumn, out string[] nativeLibraries) =>
        Lines(zipPath, texts, outputColumn, out nativeLibraries)
            .Select(l => l.Length == 0 ? [] : l.Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();

    /// <summary>A Vector&lt;String&gt; output column's strings per row, and the native libraries the process had mapped.</summary>
    public static string[][] TransformTexts(string zipPath, IEnumerable<string> texts, string outputColumn, out string[] nativeLibraries) =>
        Lines(zipPath, texts, outputColumn, out nativeLibraries).Select(l => l.Length == 0 ? Array.Empty<string>() : l.Split(' ')).ToArray();

    private static string[] Lines(string zipPath, IEnumerable<string> texts, string outputColumn, out string[] nativeLibraries)
    {
        using var dir = new TempFolder();
        File.WriteAllLines(dir.File("in.txt"), texts);
        string host = Path.Combine(AppContext.BaseDirectory, "MLNetContextual.FreshProcess.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { host, zipPath, dir.File("in.txt"), outputColumn, dir.File("out.txt"), dir.File("libraries.txt") })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"fresh process failed ({process.ExitCode}): {stderr}");
        nativeLibraries = File.ReadAllLines(dir.File("libraries.txt"));
        return File.ReadAllLines(dir.File("out.txt"));
    }
}

using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;

namespace MLNetContextual.Bench.Embedding;

/// <summary>
/// <c>embed-memory [--sizes 1000,100000] [--batch 32] [--threads cores]</c>: peak working set of a process that streams N
/// rows through ApplyContextualEmbedding, one child process per N (this program re-invoked as <c>embed-memory N</c>).
/// Rows cycle through the SST-2 train sentences and are generated lazily for LoadFromEnumerable, never held in a list.
/// </summary>
internal static class EmbedMemory
{
    private const string ResultTag = "EMBED-MEMORY";

    public static int Run(string[] args)
    {
        var a = new BenchArgs(args);
        return a.Positional.Count > 0 ? Child(long.Parse(a.Positional[0], CultureInfo.InvariantCulture), a) : Parent(a, args);
    }

    private static int Child(long rows, BenchArgs a)
    {
        var sentences = SentenceSources.Sst2Train().ToArray();      // 67,349 short strings, the same for every N
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(SentenceSources.Cycle(sentences, rows));
        var model = EmbeddingHarness.FitOurs(ml, data, a.Int("batch", 32), a.Int("max-tokens", 256), a.Threads);
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        long afterLoad = self.PeakWorkingSet64;

        var sw = Stopwatch.StartNew();
        long n = EmbeddingHarness.ReadVectors(model.Transform(data), "Features", null);
        sw.Stop();
        if (n != rows)
            throw new InvalidOperationException($"Read {n} rows, expected {rows}.");
        self.Refresh();
        Console.WriteLine(
            FormattableString.Invariant($"{ResultTag} rows={rows} seconds={sw.Elapsed.TotalSeconds:F1} peakAfterLoadMB={afterLoad / 1048576.0:F1} peakMB={self.PeakWorkingSet64 / 1048576.0:F1} ") +
            FormattableString.Invariant($"workingSetMB={self.WorkingSet64 / 1048576.0:F1} managedHeapMB={GC.GetTotalMemory(false) / 1048576.0:F1} gen2={GC.CollectionCount(2)}"));
        (model as IDisposable)?.Dispose();
        return 0;
    }

    private static int Parent(BenchArgs a, string[] args)
    {
        var sizes = a.String("sizes", "1000,100000").Split(',').Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        Console.WriteLine($"machine: {EmbeddingHarness.MachineLine()}");
        Console.WriteLine($"date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; IntraOpThreads {a.Threads}, batch {a.Int("batch", 32)}");
        var results = new List<Dictionary<string, string>>();
        foreach (long size in sizes)
        {
            var fields = RunChild(size, args);
            results.Add(fields);
            Console.WriteLine($"  {size,7} rows: peak {fields["peakMB"]} MB (after model load {fields["peakAfterLoadMB"]} MB), " +
                              $"{fields["seconds"]} s, managed heap at end {fields["managedHeapMB"]} MB, gen2 GCs {fields["gen2"]}");
        }
        Console.WriteLine();
        Console.WriteLine("| rows | peak working set (MB) | after model load (MB) | seconds | rows/s |");
        Console.WriteLine("|---:|---:|---:|---:|---:|");
        foreach (var f in results)
        {
            double rate = double.Parse(f["rows"], CultureInfo.InvariantCulture) / double.Parse(f["seconds"], CultureInfo.InvariantCulture);
            Console.WriteLine($"| {long.Parse(f["rows"]):N0} | {f["peakMB"]} | {f["peakAfterLoadMB"]} | {f["seconds"]} | {rate:F0} |");
        }
        if (results.Count >= 2)
        {
            double growth = double.Parse(results[^1]["peakMB"], CultureInfo.InvariantCulture) - double.Parse(results[0]["peakMB"], CultureInfo.InvariantCulture);
            Console.WriteLine($"peak({results[^1]["rows"]}) - peak({results[0]["rows"]}) = {growth:F1} MB (goal: < 100 MB): {(growth < 100 ? "met" : "NOT met")}");
        }
        return 0;
    }

    private static Dictionary<string, string> RunChild(long rows, string[] parentArgs)
    {
        string exe = Environment.ProcessPath;
        var start = new ProcessStartInfo(exe) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(exe).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            start.ArgumentList.Add(typeof(EmbedMemory).Assembly.Location);
        start.ArgumentList.Add("embed-memory");
        start.ArgumentList.Add(rows.ToString(CultureInfo.InvariantCulture));
        foreach (var arg in parentArgs.Where((_, i) => !IsSizesOption(parentArgs, i)))
            start.ArgumentList.Add(arg);
        using var child = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{exe}'.");
        string output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith(ResultTag, StringComparison.Ordinal));
        if (child.ExitCode != 0 || line == null)
            throw new InvalidOperationException($"embed-memory {rows} failed (exit {child.ExitCode}):\n{output}");
        return line[ResultTag.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(kv => kv.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
    }

    private static bool IsSizesOption(string[] args, int i) =>
        args[i].Equals("--sizes", StringComparison.OrdinalIgnoreCase) || (i > 0 && args[i - 1].Equals("--sizes", StringComparison.OrdinalIgnoreCase));
}

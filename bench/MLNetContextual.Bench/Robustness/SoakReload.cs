using System.Diagnostics;
using System.Globalization;
using MLNetContextual.Bench.Embedding;
using Microsoft.ML;

namespace MLNetContextual.Bench.Robustness;

/// <summary>
/// <c>soak-reload [--cycles 1000] [--checkpoints 1,100,500,1000]</c>: saves an ApplyContextualEmbedding model (embedded
/// MiniLM) as a zip once, then runs load → PredictionEngine → predict → dispose cycles in a child process whose TMPDIR is
/// a private, initially empty folder (so native code's temp files are counted too). At each checkpoint the child prints
/// its RSS (after a full GC), managed heap and the files left in its TMPDIR; every prediction is compared with the first.
/// </summary>
internal static class SoakReload
{
    private const string Tag = "SOAK-RELOAD";

    public static int Run(string[] args)
    {
        var a = new BenchArgs(args);
        return a.Positional.Count == 2 ? Child(a.Positional[0], a.Positional[1], a) : Parent(a, args);
    }

    private static int Parent(BenchArgs a, string[] args)
    {
        string work = Directory.CreateTempSubdirectory("mlnetctx-soak-").FullName;
        string zip = Path.Combine(work, "model.zip"), tmp = Path.Combine(work, "tmp");
        Directory.CreateDirectory(tmp);
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(SoakTexts.Make(8).Select(t => new SoakRow { Text = t }));
        var model = ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text", new ContextualEmbeddingOptions { IntraOpThreads = a.Int("intra-op", 1) }).Fit(data);
        ml.Model.Save(model, data.Schema, zip);
        (model as IDisposable)?.Dispose();
        Console.WriteLine($"machine: {EmbeddingHarness.MachineLine()}");
        Console.WriteLine($"date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; zip {new FileInfo(zip).Length / 1048576.0:F1} MB; {a.Int("cycles", 1000)} cycles; child TMPDIR {tmp}");

        string exe = Environment.ProcessPath;
        var start = new ProcessStartInfo(exe) { UseShellExecute = false, RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(exe).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            start.ArgumentList.Add(typeof(SoakReload).Assembly.Location);
        start.ArgumentList.Add("soak-reload");
        start.ArgumentList.Add(zip);
        start.ArgumentList.Add(tmp);
        for (int i = 0; i < args.Length; i++) start.ArgumentList.Add(args[i]);
        start.Environment["TMPDIR"] = tmp;
        using var child = Process.Start(start)!;
        string line;
        while ((line = child.StandardOutput.ReadLine()) != null) Console.WriteLine(line);
        child.WaitForExit();
        var left = Directory.EnumerateFileSystemEntries(tmp, "*", SearchOption.AllDirectories).ToList();
        Console.WriteLine($"after the child exited: {left.Count} entries left in its TMPDIR{(left.Count > 0 ? ": " + string.Join(", ", left.Take(10).Select(Path.GetFileName)) : "")}");
        Directory.Delete(work, recursive: true);
        return child.ExitCode;
    }

    private static int Child(string zip, string tmp, BenchArgs a)
    {
        int cycles = a.Int("cycles", 1000);
        var checkpoints = a.String("checkpoints", "1,100,500,1000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToHashSet();
        checkpoints.Add(cycles);
        var row = new SoakRow { Text = "The cat sleeps in Paris." };
        float[] first = null;
        int mismatches = 0;
        var clock = Stopwatch.StartNew();
        for (int c = 1; c <= cycles; c++)
        {
            var ml = new MLContext(seed: 1);
            var model = ml.Model.Load(zip, out _);
            using (var engine = ml.Model.CreatePredictionEngine<SoakRow, SoakOutput>(model, new PredictionEngineOptions { OwnsTransformer = false }))
            {
                var output = engine.Predict(row).Features.ToArray();
                if (first == null) first = output;
                else if (!output.AsSpan().SequenceEqual(first)) mismatches++;
            }
            (model as IDisposable)?.Dispose();
            if (checkpoints.Contains(c))
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                var files = Directory.EnumerateFileSystemEntries(tmp, "*", SearchOption.AllDirectories).ToList();
                long tmpBytes = files.Where(File.Exists).Sum(f => new FileInfo(f).Length);
                Console.WriteLine(FormattableString.Invariant(
                    $"{Tag} cycle={c} rssMB={ReadRssKb() / 1024.0:F1} managedMB={GC.GetTotalMemory(false) / 1048576.0:F1} tmpEntries={files.Count} tmpMB={tmpBytes / 1048576.0:F1} mismatches={mismatches} seconds={clock.Elapsed.TotalSeconds:F1}")
                    + (files.Count > 0 ? " tmp: " + string.Join(", ", files.Take(8).Select(f => Path.GetRelativePath(tmp, f))) : ""));
            }
        }
        return mismatches == 0 ? 0 : 1;
    }

    /// <summary>VmRSS from /proc/self/status (kB); the working set elsewhere.</summary>
    private static long ReadRssKb()
    {
        const string status = "/proc/self/status";
        if (File.Exists(status))
            foreach (var l in File.ReadLines(status))
                if (l.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return Environment.WorkingSet / 1024;
    }
}

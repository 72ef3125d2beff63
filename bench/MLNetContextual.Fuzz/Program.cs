// Fuzzing harness. Verbs:
//   targets                                  list the readers
//   seeds <target> <dir>                     write the target's valid corpus files (afl's -i folder)
//   mutate <target|all> [--count N] [--seed S] [--timeout-ms T]   the seeded mutation runner; prints counts, exit 1 on findings
//   afl <target>                             SharpFuzz entry point for afl-fuzz (persistent mode, input on stdin)
//   replay <target> <file>...                run files (e.g. afl's crashes/) and print what each does
using MLNetContextual.Fuzzing;

if (args.Length == 0) return Usage();
switch (args[0])
{
    case "targets":
        foreach (var t in FuzzTargets.All) Console.WriteLine(t.Name);
        return 0;
    case "seeds" when args.Length == 3:
    {
        var target = FuzzTargets.Get(args[1]);
        Directory.CreateDirectory(args[2]);
        var seeds = target.Seeds();
        for (int i = 0; i < seeds.Count; i++) File.WriteAllBytes(Path.Combine(args[2], $"seed{i}"), seeds[i]);
        Console.WriteLine($"{target.Name}: {seeds.Count} seeds in {args[2]}");
        return 0;
    }
    case "mutate" when args.Length >= 2:
    {
        int count = IntOption("--count", 10_000), seed = IntOption("--seed", 1), timeout = IntOption("--timeout-ms", 10_000);
        var targets = args[1] == "all" ? FuzzTargets.All : [FuzzTargets.Get(args[1])];
        int findings = 0;
        foreach (var target in targets)
        {
            var report = MutationRunner.Run(target, count, seed, TimeSpan.FromMilliseconds(timeout),
                r => Console.Error.WriteLine($"  {r.Target}: {r.Inputs} inputs, {r.UnexpectedCount} unexpected, {r.Hangs.Count} hangs"));
            Console.WriteLine(report);
            findings += report.UnexpectedCount + report.Hangs.Count;
            for (int i = 0; i < report.Unexpected.Count; i++)
                File.WriteAllBytes($"fuzz-{target.Name}-unexpected-{i}.bin", report.Unexpected[i].Input);
            for (int i = 0; i < report.Hangs.Count; i++)
                File.WriteAllBytes($"fuzz-{target.Name}-hang-{i}.bin", report.Hangs[i]);
        }
        return findings == 0 ? 0 : 1;
    }
    case "afl" when args.Length == 2:
    {
        // Nothing of the instrumented assemblies may run before SharpFuzz maps afl's shared memory: their module
        // initializers write to it. So the target (whose table builds a BertConfig) is looked up on the first input.
        string name = args[1];
        FuzzTarget target = null;
        SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
        {
            target ??= FuzzTargets.Get(name);
            using var m = new MemoryStream();
            stream.CopyTo(m);
            try
            {
                target.Run(m.ToArray());
            }
            catch (Exception e) when (FuzzTarget.IsExpected(e))
            {
                // documented rejection; anything else propagates and afl records a crash
            }
        });
        return 0;
    }
    case "replay" when args.Length >= 3:
    {
        var target = FuzzTargets.Get(args[1]);
        foreach (var file in args[2..])
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            string outcome;
            try { target.Run(File.ReadAllBytes(file)); outcome = "accepted"; }
            catch (Exception e) { outcome = $"{(FuzzTarget.IsExpected(e) ? "rejected" : "UNEXPECTED")} {e.GetType().FullName}: {e.Message}"; }
            Console.WriteLine($"{file}: {outcome} ({clock.Elapsed.TotalMilliseconds:F0} ms)");
        }
        return 0;
    }
    default:
        return Usage();
}

int IntOption(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
}

static int Usage()
{
    Console.Error.WriteLine("usage: targets | seeds <target> <dir> | mutate <target|all> [--count N] [--seed S] [--timeout-ms T] | afl <target> | replay <target> <file>...");
    return 2;
}

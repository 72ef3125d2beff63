using System.Diagnostics;
using System.Text;

namespace MLNetContextual.Fuzzing;

/// <summary>What one mutation run found.</summary>
internal sealed class FuzzReport
{
    public string Target { get; init; }
    public int Inputs { get; set; }
    /// <summary>Inputs the reader accepted.</summary>
    public int Accepted { get; set; }
    /// <summary>Documented exceptions, by type.</summary>
    public SortedDictionary<string, int> Rejected { get; } = new(StringComparer.Ordinal);
    /// <summary>Exceptions outside the documented set: type, message and the input that caused them (first few kept).</summary>
    public List<(string Type, string Message, byte[] Input)> Unexpected { get; } = [];
    public int UnexpectedCount { get; set; }
    public List<byte[]> Hangs { get; } = [];
    public TimeSpan Elapsed { get; set; }

    public override string ToString() =>
        $"{Target}: {Inputs} inputs, {Accepted} accepted, rejected {{{string.Join(", ", Rejected.Select(kv => $"{kv.Key} {kv.Value}"))}}}, "
        + $"{UnexpectedCount} unexpected exception types, {Hangs.Count} hangs, {Elapsed.TotalSeconds:F1} s"
        + string.Concat(Unexpected.Take(3).Select(u => $"\n  unexpected {u.Type}: {u.Message}"));
}

/// <summary>
/// A seeded mutation fuzzer: each input is a seed file with 1 to 4 mutations (bit flips, interesting bytes, truncation,
/// insertion, deletion, duplication of a chunk, decimal numbers in text replaced by boundary values, 32/64-bit integers
/// overwritten by boundary values). The same seed gives the same inputs. Each input runs on a worker thread with a
/// time limit; past it, the input counts as a hang and the run stops (the hung thread cannot be reclaimed).
/// </summary>
internal static class MutationRunner
{
    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x0A, 0x0D, 0x20, 0x2D, 0x2E, 0x30, 0x39, 0x7F, 0x80, 0xBF, 0xC0, 0xEF, 0xFE, 0xFF];
    private static readonly string[] InterestingNumbers =
        ["0", "1", "-1", "2", "7", "255", "65536", "2147483647", "2147483648", "-2147483648", "4294967295", "1000000000", "2000000000",
         "9223372036854775807", "99999999999999999999", "1e39", "NaN", "Infinity", "-0", "1.5", ""];
    private static readonly long[] InterestingIntegers =
        [0, 1, -1, 2, 3, 4, 8, 16, 255, 256, 65535, 65536, int.MaxValue, int.MinValue, uint.MaxValue, 1L << 31, 1L << 32, 1_000_000_000, 2_000_000_000, long.MaxValue, long.MinValue];

    /// <summary>Runs <paramref name="count"/> mutated inputs; first checks that every seed is accepted.</summary>
    public static FuzzReport Run(FuzzTarget target, int count, int seed, TimeSpan timeout, Action<FuzzReport> progress = null)
    {
        var seeds = target.Seeds();
        foreach (var s in seeds) target.Run(s);   // the corpus itself must be valid
        var report = new FuzzReport { Target = target.Name };
        var rng = new Random(seed);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            byte[] input = Mutate(seeds[rng.Next(seeds.Count)], rng);
            if (!RunOne(target, input, timeout, report)) break;
            if (progress != null && (i + 1) % 1000 == 0) progress(report);
        }
        report.Elapsed = clock.Elapsed;
        return report;
    }

    /// <summary>Runs one input; false when it hung.</summary>
    public static bool RunOne(FuzzTarget target, byte[] input, TimeSpan timeout, FuzzReport report)
    {
        report.Inputs++;
        Exception error = null;
        var worker = new Thread(() =>
        {
            try { target.Run(input); }
            catch (Exception e) { error = e; }
        }, maxStackSize: 16 << 20) { IsBackground = true };
        worker.Start();
        if (!worker.Join(timeout))
        {
            report.Hangs.Add(input);
            return false;
        }
        if (error == null) report.Accepted++;
        else if (FuzzTarget.IsExpected(error))
        {
            string type = error.GetType().Name;
            report.Rejected[type] = report.Rejected.GetValueOrDefault(type) + 1;
            if (!Names(error.Message)) Record(report, $"{type} without a name", error.Message, input);
        }
        else Record(report, error.GetType().FullName, error.ToString(), input);
        return true;
    }

    /// <summary>Documented errors must name what they read: the fuzz inputs are all named with "fuzz" or the entry/config name.</summary>
    private static bool Names(string message) =>
        message.Contains("fuzz", StringComparison.Ordinal) || message.Contains("StaticEmbeddings.bin", StringComparison.Ordinal)
        || message.Contains("config.json", StringComparison.Ordinal) || message.Contains("pytorch_model.bin", StringComparison.Ordinal);

    private static void Record(FuzzReport report, string type, string message, byte[] input)
    {
        report.UnexpectedCount++;
        if (report.Unexpected.Count < 20) report.Unexpected.Add((type, message, input));
    }

    public static byte[] Mutate(byte[] seed, Random rng)
    {
        var data = new List<byte>(seed);
        int n = 1 + rng.Next(4);
        for (int m = 0; m < n; m++)
        {
            switch (rng.Next(9))
            {
                case 0:   // bit flips
                    if (data.Count == 0) break;
                    for (int k = 1 + rng.Next(4); k > 0; k--)
                    {
                        int at = rng.Next(data.Count);
                        data[at] ^= (byte)(1 << rng.Next(8));
                    }
                    break;
                case 1:   // an interesting byte
                    if (data.Count > 0) data[rng.Next(data.Count)] = InterestingBytes[rng.Next(InterestingBytes.Length)];
                    break;
                case 2:   // truncation
                    if (data.Count > 0) { int cut = rng.Next(data.Count); data.RemoveRange(cut, data.Count - cut); }
                    break;
                case 3:   // insertion of random bytes
                {
                    int at = rng.Next(data.Count + 1);
                    var bytes = new byte[1 + rng.Next(16)];
                    rng.NextBytes(bytes);
                    data.InsertRange(at, bytes);
                    break;
                }
                case 4:   // deletion of a chunk
                    if (data.Count > 1)
                    {
                        int at = rng.Next(data.Count);
                        data.RemoveRange(at, Math.Min(data.Count - at, 1 + rng.Next(32)));
                    }
                    break;
                case 5:   // duplicate a chunk (extra records, repeated fields)
                    if (data.Count > 1)
                    {
                        int at = rng.Next(data.Count), length = Math.Min(data.Count - at, 1 + rng.Next(64));
                        data.InsertRange(rng.Next(data.Count + 1), data.GetRange(at, length));
                    }
                    break;
                case 6:   // a decimal number in the text (headers, JSON sizes, vectors) → a boundary value
                    ReplaceNumber(data, rng);
                    break;
                case 7:   // a 32- or 64-bit little-endian integer (binary headers, lengths) → a boundary value
                    if (data.Count >= 8)
                    {
                        int width = rng.Next(2) == 0 ? 4 : 8;
                        int at = rng.Next(data.Count - width + 1);
                        if (rng.Next(2) == 0) at &= ~(width - 1);
                        long v = InterestingIntegers[rng.Next(InterestingIntegers.Length)];
                        if (rng.Next(4) == 0) v += rng.Next(-2, 3);
                        var bytes = BitConverter.GetBytes(v);
                        for (int b = 0; b < width; b++) data[at + b] = bytes[b];
                    }
                    break;
                default:  // a protobuf-style varint (ONNX lengths and tags) → a boundary value
                    if (data.Count > 0)
                    {
                        int at = rng.Next(data.Count);
                        ulong v = (ulong)InterestingIntegers[rng.Next(InterestingIntegers.Length)];
                        var varint = new List<byte>();
                        do { byte b = (byte)(v & 0x7F); v >>= 7; varint.Add(v != 0 ? (byte)(b | 0x80) : b); } while (v != 0);
                        int old = 0;
                        while (at + old < data.Count && (data[at + old] & 0x80) != 0 && old < 10) old++;
                        old = Math.Min(old + 1, data.Count - at);
                        data.RemoveRange(at, old);
                        data.InsertRange(at, varint);
                    }
                    break;
            }
        }
        return [.. data];
    }

    private static void ReplaceNumber(List<byte> data, Random rng)
    {
        var runs = new List<(int Start, int Length)>();
        for (int i = 0; i < data.Count; i++)
        {
            if (data[i] < '0' || data[i] > '9') continue;
            int start = i;
            while (i < data.Count && ((data[i] >= '0' && data[i] <= '9') || data[i] == '.' || data[i] == 'e' || data[i] == '-')) i++;
            runs.Add((start, i - start));
            if (runs.Count > 4096) break;
        }
        if (runs.Count == 0) return;
        var (s, l) = runs[rng.Next(runs.Count)];
        data.RemoveRange(s, l);
        data.InsertRange(s, Encoding.ASCII.GetBytes(InterestingNumbers[rng.Next(InterestingNumbers.Length)]));
    }
}

using System.Runtime.InteropServices;

namespace MLNetContextual;

/// <summary>One distinct co-occurrence pair and its weighted count: 12 bytes (glove's CREC with a float count).</summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal readonly record struct CooccurrenceRecord(int Word, int Context, float Count);

/// <summary>Called with consecutive blocks of records; a block is valid only during the call.</summary>
internal delegate void CooccurrenceBlockHandler(ReadOnlySpan<CooccurrenceRecord> block);

/// <summary>
/// The shuffled co-occurrence records GloVe trains on (glove's shuffle): held in one array (12 bytes per record) when
/// they fit in the memory limit, otherwise shuffled through temporary files and streamed from one (each thread reads
/// its own range with positional reads) on every epoch. The shuffle is a uniform random permutation either way:
/// Fisher–Yates in memory; on disk, each record goes to one of K random buckets (K chosen so that a bucket fits in the
/// limit), then each bucket is shuffled in memory and appended to the training file.
/// </summary>
internal sealed class CooccurrenceRecords : IDisposable
{
    private const int RecordBytes = 12;
    private const int BlockRecords = 1 << 16;
    private CooccurrenceRecord[] memory;
    private FileStream file;

    private CooccurrenceRecords(long count, CooccurrenceRecord[] memory, FileStream file)
    {
        Count = count;
        this.memory = memory;
        this.file = file;
    }

    /// <summary>Distinct (word, context) pairs.</summary>
    public long Count { get; }

    /// <summary>True when the records are held in memory, false when streamed from a temporary file.</summary>
    public bool InMemory => memory != null;

    /// <summary>
    /// Counts the pairs (see <see cref="CooccurrenceCounts"/>), merges them and shuffles them with <paramref name="seed"/>,
    /// within about <paramref name="memoryLimitBytes"/> bytes at each step.
    /// </summary>
    public static CooccurrenceRecords Shuffled(CooccurrenceCounts counts, long memoryLimitBytes, int seed, string tempDirectory)
    {
        using var sorted = counts.MergeToFile(out long n);
        // The count tables (up to the limit) are garbage now: collect them before the records take their place.
        GC.Collect();
        var rng = new Random(seed);
        if (n * RecordBytes <= memoryLimitBytes && n <= Array.MaxLength)
        {
            var records = new CooccurrenceRecord[n];
            TempFile.ReadExactly(sorted.SafeFileHandle, MemoryMarshal.AsBytes(records.AsSpan()), 0);
            Shuffle(records, rng);
            return new CooccurrenceRecords(n, records, null);
        }
        return new CooccurrenceRecords(n, null, ShuffleOnDisk(sorted, n, memoryLimitBytes, rng, tempDirectory));
    }

    /// <summary>All records in (word, context) order, read back from the merged file: for tests on small corpora.</summary>
    internal static CooccurrenceRecord[] Sorted(CooccurrenceCounts counts)
    {
        using var sorted = counts.MergeToFile(out long n);
        var records = new CooccurrenceRecord[n];
        TempFile.ReadExactly(sorted.SafeFileHandle, MemoryMarshal.AsBytes(records.AsSpan()), 0);
        return records;
    }

    /// <summary>Calls <paramref name="handler"/> on records [from, to) in order, in blocks; safe from several threads at once.</summary>
    public void ForEachBlock(long from, long to, CooccurrenceBlockHandler handler)
    {
        if (memory != null)
        {
            handler(memory.AsSpan((int)from, (int)(to - from)));
            return;
        }
        var buffer = new CooccurrenceRecord[Math.Min(BlockRecords, Math.Max(1, to - from))];
        for (long p = from; p < to; p += buffer.Length)
        {
            int len = (int)Math.Min(buffer.Length, to - p);
            var block = buffer.AsSpan(0, len);
            TempFile.ReadExactly(file.SafeFileHandle, MemoryMarshal.AsBytes(block), p * RecordBytes);
            handler(block);
        }
    }

    /// <summary>Releases the records and deletes the training file.</summary>
    public void Dispose()
    {
        memory = null;
        file?.Dispose();
        file = null;
    }

    private static void Shuffle(Span<CooccurrenceRecord> records, Random rng)
    {
        for (int i = records.Length - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (records[i], records[j]) = (records[j], records[i]);
        }
    }

    private static FileStream ShuffleOnDisk(FileStream sorted, long n, long memoryLimitBytes, Random rng, string tempDirectory)
    {
        // 25 % headroom so that a bucket rarely outgrows the limit; at most 1024 open files.
        int k = (int)Math.Clamp((long)Math.Ceiling(1.25 * n * RecordBytes / memoryLimitBytes), 2, 1024);
        var buckets = new FileStream[k];
        var sizes = new long[k];
        var output = TempFile.Create(tempDirectory, "glove-shuffled");
        try
        {
            for (int b = 0; b < k; b++) buckets[b] = TempFile.Create(tempDirectory, "glove-bucket");
            var block = new CooccurrenceRecord[BlockRecords];
            sorted.Position = 0;
            for (long p = 0; p < n; p += block.Length)
            {
                int len = (int)Math.Min(block.Length, n - p);
                sorted.ReadExactly(MemoryMarshal.AsBytes(block.AsSpan(0, len)));
                for (int i = 0; i < len; i++)
                {
                    int b = rng.Next(k);
                    buckets[b].Write(MemoryMarshal.AsBytes(block.AsSpan(i, 1)));
                    sizes[b]++;
                }
            }
            var bucket = new CooccurrenceRecord[sizes.Max()];
            for (int b = 0; b < k; b++)
            {
                var records = bucket.AsSpan(0, (int)sizes[b]);
                buckets[b].Flush();
                TempFile.ReadExactly(buckets[b].SafeFileHandle, MemoryMarshal.AsBytes(records), 0);
                buckets[b].Dispose();
                Shuffle(records, rng);
                output.Write(MemoryMarshal.AsBytes(records));
            }
            output.Flush();
            return output;
        }
        catch
        {
            output.Dispose();
            throw;
        }
        finally
        {
            foreach (var bucket in buckets) bucket?.Dispose();
        }
    }
}

using System.Runtime.InteropServices;
using Microsoft.ML;

namespace MLNetContextual;

/// <summary>
/// Sparse word–context co-occurrence counts within a memory limit, as GloVe's cooccur: within a row, each pair of
/// vocabulary words at distance d ≤ Window adds 1/d (and, when symmetric, to the reversed pair too); out-of-vocabulary
/// tokens are removed before distances are measured, and the window does not cross rows.
/// <para>
/// Half of the limit is a dense table of doubles for the frequent pairs, those whose frequency ranks (1-based) have a
/// product below a bound chosen to fill it (cooccur's bigram_table; one row per word, allocated when first touched).
/// The other half is an open-addressing table (word × V + context) → double for the other pairs, 16 bytes per slot,
/// at most 75 % full; when it is full at its largest size, its pairs are sorted and appended as a run to a temporary
/// file (cooccur's overflow files), and it starts empty again. <see cref="MergeToFile"/> then merges the dense rows
/// and the runs (k-way, summing a pair's partial counts in corpus order) into one file of 12-byte records sorted by
/// (word, context). Temporary files are opened with <see cref="FileOptions.DeleteOnClose"/> (and unlinked at once on
/// Unix), so none is left behind, whatever ends the process.
/// </para>
/// </summary>
internal sealed class CooccurrenceCounts : IDisposable
{
    private const long Empty = -1;
    private const int MinTableBits = 6;
    private readonly long vocab;
    private readonly string tempDirectory;
    private double[][] dense;
    private readonly int[] denseLength;
    private long[] keys;
    private double[] values;
    private int shift;          // 64 - log2(capacity)
    private readonly int maxBits;
    private int sparseCount;
    private FileStream spill;
    private readonly List<(long Offset, long Count)> runs = [];

    private CooccurrenceCounts(int vocabSize, long memoryLimitBytes, string tempDirectory)
    {
        vocab = vocabSize;
        this.tempDirectory = tempDirectory;
        long denseBudget = memoryLimitBytes / 2;
        MaxProduct = DenseMaxProduct(vocabSize, denseBudget);
        denseLength = new int[vocabSize];
        for (int w = 0; w < vocabSize; w++) denseLength[w] = (int)Math.Min(vocabSize, MaxProduct / (w + 1));
        dense = new double[vocabSize][];
        // The largest table, plus the half-size one it replaces while doubling, must fit in the other half.
        int bits = MinTableBits;
        while (bits < 30 && 24L << (bits + 1) <= memoryLimitBytes - denseBudget) bits++;
        maxBits = bits;
        Allocate(Math.Min(maxBits, 16));
    }

    /// <summary>Pairs (w, c) with (w + 1) × (c + 1) ≤ this are counted in the dense table (rows capped at V).</summary>
    public long MaxProduct { get; }

    /// <summary>Distinct pairs counted in the dense table.</summary>
    public long DensePairs { get; private set; }

    /// <summary>Runs of sorted sparse pairs written to the temporary file.</summary>
    public int Spills => runs.Count;

    /// <summary>
    /// One pass over <paramref name="column"/>, counting with at most about <paramref name="memoryLimitBytes"/> bytes of
    /// tables, spilling to <paramref name="tempDirectory"/> (null: the system's temporary folder) beyond that.
    /// </summary>
    public static CooccurrenceCounts Count(IDataView data, string column, Vocabulary vocab, int window, bool symmetric,
        long memoryLimitBytes, string tempDirectory = null)
    {
        var col = StaticWordEmbeddingTransformer.RequireTokens(data.Schema, column);
        var counts = new CooccurrenceCounts(vocab.Size, memoryLimitBytes, tempDirectory);
        try
        {
            var lookup = vocab.Lookup;
            var history = new int[window];
            TokenColumn.ForEachRow(data, col, row =>
            {
                int j = 0;
                foreach (var token in row)
                {
                    if (!lookup.TryGetValue(token.Span, out int w2)) continue;
                    for (int k = Math.Max(0, j - window); k < j; k++)
                    {
                        int w1 = history[k % window];
                        double weight = 1.0 / (j - k);
                        counts.Add(w1, w2, weight);
                        if (symmetric) counts.Add(w2, w1, weight);
                    }
                    history[j % window] = w2;
                    j++;
                }
            });
            return counts;
        }
        catch
        {
            counts.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Merges the dense table and all runs into a new temporary file of <see cref="CooccurrenceRecord"/>s sorted by
    /// (word, context), one per distinct pair, and releases the tables. The caller owns (and disposes) the file.
    /// </summary>
    public FileStream MergeToFile(out long count)
    {
        var output = TempFile.Create(tempDirectory, "cooccur");
        try
        {
            var sources = new List<SortedRun>();
            if (runs.Count > 0)
            {
                if (sparseCount > 0) Spill();
                spill.Flush();
                for (int i = 0; i < runs.Count; i++) sources.Add(new FileRun(spill.SafeFileHandle, runs[i].Offset, runs[i].Count, i));
            }
            else if (sparseCount > 0) sources.Add(new ArrayRun(keys, values, CompactAndSort(), 0));
            var sparse = new RunMerger(sources);

            var buffer = new CooccurrenceRecord[1 << 14];
            int buffered = 0;
            long written = 0;
            void Emit(long word, long context, double value)
            {
                buffer[buffered++] = new CooccurrenceRecord((int)word, (int)context, (float)value);
                written++;
                if (buffered == buffer.Length)
                {
                    output.Write(MemoryMarshal.AsBytes(buffer.AsSpan()));
                    buffered = 0;
                }
            }
            for (int w = 0; w < vocab; w++)
            {
                if (dense[w] is double[] row)
                    for (int c = 0; c < row.Length; c++)
                        if (row[c] != 0) Emit(w, c, row[c]);
                dense[w] = null;   // the merge passes each row once: release it
                while (sparse.HasCurrent && sparse.Key / vocab == w)
                {
                    Emit(w, sparse.Key % vocab, sparse.Value);
                    sparse.MoveNext();
                }
            }
            output.Write(MemoryMarshal.AsBytes(buffer.AsSpan(0, buffered)));
            output.Flush();
            Dispose();
            count = written;
            return output;
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    /// <summary>Releases the tables and deletes the spill file.</summary>
    public void Dispose()
    {
        dense = null;
        keys = null;
        values = null;
        spill?.Dispose();
        spill = null;
    }

    private void Add(int w1, int w2, double weight)
    {
        if (w2 < denseLength[w1])
        {
            var row = dense[w1] ??= new double[denseLength[w1]];
            if (row[w2] == 0) DensePairs++;
            row[w2] += weight;
        }
        else AddSparse(w1 * vocab + w2, weight);
    }

    private void AddSparse(long key, double weight)
    {
        int mask = keys.Length - 1;
        int slot = (int)(((ulong)key * 0x9E3779B97F4A7C15UL) >> shift);
        while (true)
        {
            long k = keys[slot];
            if (k == key)
            {
                values[slot] += weight;
                return;
            }
            if (k == Empty) break;
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        values[slot] = weight;
        if (++sparseCount > keys.Length / 4 * 3)
        {
            if (64 - shift < maxBits) Grow();
            else Spill();
        }
    }

    private void Grow()
    {
        var oldKeys = keys;
        var oldValues = values;
        Allocate(64 - shift + 1);
        sparseCount = 0;
        for (int i = 0; i < oldKeys.Length; i++)
            if (oldKeys[i] != Empty) AddSparse(oldKeys[i], oldValues[i]);
    }

    private void Allocate(int bits)
    {
        keys = new long[1 << bits];
        Array.Fill(keys, Empty);
        values = new double[1 << bits];
        shift = 64 - bits;
    }

    /// <summary>Appends the sparse table's pairs, sorted, as a run of (long key, double count) to the spill file and empties the table.</summary>
    private void Spill()
    {
        spill ??= TempFile.Create(tempDirectory, "cooccur-overflow");
        int n = CompactAndSort();
        runs.Add((spill.Position, n));
        var block = new SpillRecord[4096];
        for (int from = 0; from < n; from += block.Length)
        {
            int len = Math.Min(block.Length, n - from);
            for (int i = 0; i < len; i++) block[i] = new SpillRecord(keys[from + i], values[from + i]);
            spill.Write(MemoryMarshal.AsBytes(block.AsSpan(0, len)));
        }
        Array.Fill(keys, Empty);
        Array.Clear(values);
        sparseCount = 0;
    }

    /// <summary>Moves the table's pairs to its front, sorted by key; the table is no longer a hash table afterwards.</summary>
    private int CompactAndSort()
    {
        int n = 0;
        for (int i = 0; i < keys.Length; i++)
        {
            if (keys[i] == Empty) continue;
            keys[n] = keys[i];
            values[n++] = values[i];
        }
        Array.Sort(keys, values, 0, n);
        return n;
    }

    /// <summary>The largest rank product whose dense rows (8 bytes per entry plus an array header) fit in <paramref name="budget"/> bytes.</summary>
    internal static long DenseMaxProduct(int vocabSize, long budget)
    {
        long Bytes(long product)
        {
            long total = 8L * vocabSize;   // the row references
            for (int w = 0; w < vocabSize; w++)
            {
                long len = Math.Min(vocabSize, product / (w + 1));
                if (len == 0) break;
                total += 8 * len + 32;
            }
            return total;
        }
        long lo = 0, hi = (long)vocabSize * vocabSize;
        while (lo < hi)
        {
            long mid = lo + (hi - lo + 1) / 2;
            if (Bytes(mid) <= budget) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct SpillRecord(long Key, double Value);

    private abstract class SortedRun(int index)
    {
        public int Index { get; } = index;
        public long Key { get; protected set; }
        public double Value { get; protected set; }
        /// <summary>Advances to the next pair; false at the end.</summary>
        public abstract bool MoveNext();
    }

    private sealed class ArrayRun(long[] keys, double[] values, int count, int index) : SortedRun(index)
    {
        private int next;

        public override bool MoveNext()
        {
            if (next == count) return false;
            Key = keys[next];
            Value = values[next++];
            return true;
        }
    }

    private sealed class FileRun(Microsoft.Win32.SafeHandles.SafeFileHandle file, long offset, long count, int index) : SortedRun(index)
    {
        private readonly SpillRecord[] buffer = new SpillRecord[2048];
        private int position, filled;
        private long remaining = count, fileOffset = offset;

        public override bool MoveNext()
        {
            if (position == filled)
            {
                if (remaining == 0) return false;
                filled = (int)Math.Min(buffer.Length, remaining);
                TempFile.ReadExactly(file, MemoryMarshal.AsBytes(buffer.AsSpan(0, filled)), fileOffset);
                fileOffset += (long)filled * 16;
                remaining -= filled;
                position = 0;
            }
            var r = buffer[position++];
            Key = r.Key;
            Value = r.Value;
            return true;
        }
    }

    /// <summary>K-way merge of sorted runs of distinct keys: each key once, its values summed in run order.</summary>
    private sealed class RunMerger
    {
        private readonly PriorityQueue<SortedRun, (long Key, int Run)> queue = new();

        public RunMerger(List<SortedRun> runs)
        {
            foreach (var run in runs)
                if (run.MoveNext()) queue.Enqueue(run, (run.Key, run.Index));
            MoveNext();
        }

        public bool HasCurrent { get; private set; }
        public long Key { get; private set; }
        public double Value { get; private set; }

        public void MoveNext()
        {
            HasCurrent = queue.Count > 0;
            if (!HasCurrent) return;
            var run = queue.Dequeue();
            Key = run.Key;
            Value = run.Value;
            if (run.MoveNext()) queue.Enqueue(run, (run.Key, run.Index));
            while (queue.TryPeek(out var next, out var priority) && priority.Key == Key)
            {
                queue.Dequeue();
                Value += next.Value;
                if (next.MoveNext()) queue.Enqueue(next, (next.Key, next.Index));
            }
        }
    }
}

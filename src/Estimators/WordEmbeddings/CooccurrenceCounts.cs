using Microsoft.ML;

namespace MLNetContextual;

/// <summary>
/// Sparse word–context co-occurrence counts, as GloVe's cooccur: within a row, each pair of vocabulary words at
/// distance d ≤ Window adds 1/d (and, when symmetric, to the reversed pair too); out-of-vocabulary tokens are removed
/// before distances are measured, and the window does not cross rows. Stored in an open-addressing table of
/// (word × V + context) → double, 16 bytes per slot, at most 75 % full; the number of distinct pairs is bounded by
/// V² and by 2 × Window × tokens.
/// </summary>
internal sealed class CooccurrenceCounts
{
    private const long Empty = -1;
    private long[] keys;
    private double[] values;
    private int shift;          // 64 - log2(capacity)

    private CooccurrenceCounts(int capacityBits)
    {
        Allocate(capacityBits);
    }

    /// <summary>Distinct (word, context) pairs.</summary>
    public int PairCount { get; private set; }

    /// <summary>Bytes held by the table.</summary>
    public long Bytes => keys.LongLength * (sizeof(long) + sizeof(double));

    public static CooccurrenceCounts Count(IDataView data, string column, Vocabulary vocab, int window, bool symmetric)
    {
        var col = StaticWordEmbeddingTransformer.RequireTokens(data.Schema, column);
        var counts = new CooccurrenceCounts(16);
        var lookup = vocab.Lookup;
        long v = vocab.Size;
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
                    counts.Add(w1 * v + w2, weight);
                    if (symmetric) counts.Add(w2 * v + w1, weight);
                }
                history[j % window] = w2;
                j++;
            }
        });
        return counts;
    }

    /// <summary>Moves the pairs into compact arrays (pair keys and float counts) and releases the table.</summary>
    public (long[] Keys, float[] Values) ToArrays()
    {
        var outKeys = new long[PairCount];
        var outValues = new float[PairCount];
        int n = 0;
        for (int i = 0; i < keys.Length; i++)
        {
            if (keys[i] == Empty) continue;
            outKeys[n] = keys[i];
            outValues[n++] = (float)values[i];
        }
        keys = null;
        values = null;
        return (outKeys, outValues);
    }

    private void Add(long key, double weight)
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
        if (++PairCount > keys.Length / 4 * 3) Grow();
    }

    private void Grow()
    {
        var oldKeys = keys;
        var oldValues = values;
        Allocate(64 - shift + 1);
        PairCount = 0;
        for (int i = 0; i < oldKeys.Length; i++)
            if (oldKeys[i] != Empty) Add(oldKeys[i], oldValues[i]);
    }

    private void Allocate(int bits)
    {
        if (bits > 30) throw new InvalidOperationException("More than 800 million distinct co-occurrence pairs: lower Window, raise MinCount or set MaxVocabularySize.");
        keys = new long[1 << bits];
        Array.Fill(keys, Empty);
        values = new double[1 << bits];
        shift = 64 - bits;
    }
}

namespace MLNetContextual;

/// <summary>
/// A bounded cache of sentence vectors keyed by the input text, so that trainers that make many passes over the data
/// (SDCA, L-BFGS) and duplicate texts do not re-run the encoder. It keeps the texts it saw first and admits no more
/// once its budget (vector and key bytes, plus a fixed overhead per entry) is used: nothing is evicted, so a trainer
/// making passes over more texts than fit still finds the first ones on every pass (least-recently-used eviction finds
/// none: each pass evicts what the next one reads first), and no evicted vectors become garbage for the collector, which
/// keeps the process's peak memory near the budget. Thread-safe.
/// </summary>
internal sealed class EmbeddingCache
{
    private const int EntryOverhead = 96;   // dictionary slot, array and string headers

    private readonly long _budget;
    private readonly Dictionary<string, float[]> _entries = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private long _bytes;

    public EmbeddingCache(int megabytes) => _budget = (long)megabytes << 20;

    public long Hits { get; private set; }

    /// <summary>Vectors held.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
                return _entries.Count;
        }
    }

    public long Misses { get; private set; }

    /// <summary>Whether the budget is used up (new texts are no longer admitted).</summary>
    public bool IsFull { get; private set; }

    public bool TryGet(string text, out float[] vector)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(text, out vector))
            {
                Hits++;
                return true;
            }
            Misses++;
            return false;
        }
    }

    public void Add(string text, float[] vector)
    {
        long size = EntryOverhead + 2L * text.Length + 4L * vector.Length;
        lock (_gate)
        {
            if (_bytes + size > _budget)
            {
                IsFull = true;
                return;
            }
            if (_entries.TryAdd(text, vector))
                _bytes += size;
        }
    }
}

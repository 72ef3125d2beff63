namespace MLNetContextual;

/// <summary>
/// A bounded cache of sentence vectors keyed by the input text, so that trainers that make many passes over the data
/// (SDCA, L-BFGS) and duplicate texts do not re-run the encoder. Least recently used entries go first once the cache
/// holds more than its budget (vector and key bytes, plus a fixed overhead per entry). Thread-safe.
/// </summary>
internal sealed class EmbeddingCache
{
    private const int EntryOverhead = 96;   // dictionary slot, list node, array and string headers

    private readonly long _budget;
    private readonly Dictionary<string, LinkedListNode<(string Text, float[] Vector)>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Text, float[] Vector)> _order = new();   // most recent first
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

    public bool TryGet(string text, out float[] vector)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(text, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                vector = node.Value.Vector;
                Hits++;
                return true;
            }
            Misses++;
            vector = null;
            return false;
        }
    }

    public void Add(string text, float[] vector)
    {
        long size = Size(text, vector);
        if (size > _budget)
            return;
        lock (_gate)
        {
            if (_entries.ContainsKey(text))
                return;
            _entries[text] = _order.AddFirst((text, vector));
            _bytes += size;
            while (_bytes > _budget && _order.Last is { } last)
            {
                _order.RemoveLast();
                _entries.Remove(last.Value.Text);
                _bytes -= Size(last.Value.Text, last.Value.Vector);
            }
        }
    }

    private static long Size(string text, float[] vector) => EntryOverhead + 2L * text.Length + 4L * vector.Length;
}

namespace MLNetContextual.Bench.Embedding;

/// <summary>Options of the embedding verbs: <c>--name value</c> pairs after the positional arguments.</summary>
internal sealed class BenchArgs
{
    private readonly Dictionary<string, string> _named = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _positional = [];

    public BenchArgs(string[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                if (i + 1 >= args.Length)
                    throw new ArgumentException($"Option {args[i]} needs a value.");
                _named[args[i][2..]] = args[++i];
            }
            else
                _positional.Add(args[i]);
        }
    }

    public IReadOnlyList<string> Positional => _positional;

    public int Int(string name, int fallback) =>
        _named.TryGetValue(name, out var v) ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    public string String(string name, string fallback) => _named.GetValueOrDefault(name, fallback);

    /// <summary>ONNX Runtime intra-op threads for every contender: --threads, default one per core.</summary>
    public int Threads => Int("threads", Environment.ProcessorCount);
}

using TorchSharp;

namespace MLNetContextual.Torch;

/// <summary>
/// Sets TorchSharp's (process-wide) intra-op thread count for a scope and restores the count found before the first
/// scope when the last one ends. Every TorchSharp path of the library enters one: training (fine-tuning, ELMo, USE, the
/// topic model) with the options' <c>NumberOfThreads</c>, inference (<see cref="TorchTokenSession"/>, <see cref="ElmoRunner"/>)
/// with <see cref="EncoderOptions.IntraOpThreads"/>; where none is given, <see cref="Default"/>.
/// </summary>
/// <remarks>
/// Why not TorchSharp's own default: libtorch starts one OpenMP thread per core it sees, and on a busy machine those
/// threads wait on each other at every small op: the ELMo parity fixture took 54 s with it and 1.7 s with one thread on
/// the project's loaded 2-core machine (bench/RESULTS.md, ELMo). In a container with a CPU quota OpenMP also counts the
/// host's cores, while <see cref="Environment.ProcessorCount"/> honours the quota and the affinity mask.
/// Scopes that overlap (nested, or on several threads) share the one setting: the latest scope still open wins.
/// </remarks>
internal sealed class TorchThreads : IDisposable
{
    /// <summary>The most threads <see cref="Default"/> gives. The library's TorchSharp work is small ops (batches of 8–32
    /// short sequences, step-by-step LSTMs) that gain little from more threads and lose most from oversubscription.
    /// Not measured beyond 2 cores on this project's machine; pass a count to use more.</summary>
    public const int DefaultCap = 4;

    private static readonly object Gate = new();
    private static readonly List<TorchThreads> Open = [];
    private static int _before;   // the count found when the first open scope began

    private readonly int _threads;
    private bool _closed;

    private TorchThreads(int threads) => _threads = threads;

    /// <summary>The count used where none is given: min(<see cref="Environment.ProcessorCount"/>, <see cref="DefaultCap"/>).</summary>
    public static int Default => Math.Clamp(Environment.ProcessorCount, 1, DefaultCap);

    /// <summary>Sets <paramref name="threads"/> (null: <see cref="Default"/>) until the result is disposed.</summary>
    public static TorchThreads Use(int? threads)
    {
        int count = threads ?? Default;
        if (count < 1)
            throw new ArgumentOutOfRangeException(nameof(threads), $"Threads is {count}; it must be at least 1.");
        TorchRuntime.EnsureLoaded();
        var scope = new TorchThreads(count);
        lock (Gate)
        {
            if (Open.Count == 0)
                _before = torch.get_num_threads();
            Open.Add(scope);
            Apply(count);
        }
        return scope;
    }

    /// <summary>Ends the scope: the latest scope still open sets the count again, or, after the last, the count from before.</summary>
    public void Dispose()
    {
        lock (Gate)
        {
            if (_closed)
                return;
            _closed = true;
            Open.Remove(this);
            Apply(Open.Count == 0 ? _before : Open[^1]._threads);
        }
    }

    private static void Apply(int threads)
    {
        if (torch.get_num_threads() != threads)
            torch.set_num_threads(threads);
    }
}

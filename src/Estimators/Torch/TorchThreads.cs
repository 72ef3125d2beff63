using TorchSharp;

namespace MLNetContextual.Torch;

/// <summary>Sets TorchSharp's (process-wide) intra-op thread count for a scope and restores the previous value after it.</summary>
internal sealed class TorchThreads : IDisposable
{
    private readonly int _previous;

    private TorchThreads(int threads)
    {
        _previous = torch.get_num_threads();
        if (threads != _previous)
            torch.set_num_threads(threads);
    }

    public static TorchThreads Use(int threads)
    {
        if (threads < 1)
            throw new ArgumentOutOfRangeException(nameof(threads), $"Threads is {threads}; it must be at least 1.");
        TorchRuntime.EnsureLoaded();
        return new TorchThreads(threads);
    }

    public void Dispose()
    {
        if (torch.get_num_threads() != _previous)
            torch.set_num_threads(_previous);
    }
}

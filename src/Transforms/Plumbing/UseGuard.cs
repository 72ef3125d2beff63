namespace MLNetContextual;

/// <summary>
/// Keeps native resources alive while they are in use: every use enters the guard, and disposal waits for the uses in
/// flight to finish before it releases anything; a use after disposal is an <see cref="ObjectDisposedException"/>
/// instead of a call into freed native memory.
/// </summary>
internal sealed class UseGuard
{
    private readonly object _gate = new();
    private readonly string _component;
    private int _users;
    private bool _disposed;

    public UseGuard(string component) => _component = component;

    public bool IsDisposed => Volatile.Read(ref _disposed);

    /// <summary>Enters a use; dispose the result when done.</summary>
    public Lease Enter()
    {
        lock (_gate)
        {
            if (_disposed)
                throw new ObjectDisposedException(_component,
                    $"{_component} has been disposed and its encoder released. Note that disposing a PredictionEngine disposes the " +
                    "model it was created from (ML.NET's PredictionEngineOptions.OwnsTransformer, true by default); to keep using the " +
                    "model, create engines with ml.Model.CreatePredictionEngine<TSrc, TDst>(model, new PredictionEngineOptions { OwnsTransformer = false }).");
            _users++;
        }
        return new Lease(this);
    }

    /// <summary>Marks the guard disposed, waits for uses in flight, then runs <paramref name="release"/> once.</summary>
    public void Dispose(Action release)
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            while (_users > 0)
                Monitor.Wait(_gate);
        }
        release();
    }

    private void Exit()
    {
        lock (_gate)
        {
            if (--_users == 0)
                Monitor.PulseAll(_gate);
        }
    }

    public readonly struct Lease(UseGuard guard) : IDisposable
    {
        public void Dispose() => guard?.Exit();
    }
}

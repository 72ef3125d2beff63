namespace MLNetContextual.Cli.Sweep;

/// <summary>
/// Tries a fixed list in order (baselines, then each frozen encoder with each trainer, then fine-tuning), skipping a
/// candidate whose estimate does not fit the time left.
/// </summary>
public sealed class OrderedSearch : ICandidateSearch
{
    private readonly Queue<Candidate> _queue;
    private readonly List<(Candidate Candidate, string Why)> _skipped = new();

    /// <summary>A search over <paramref name="candidates"/>, in that order.</summary>
    public OrderedSearch(IEnumerable<Candidate> candidates) => _queue = new Queue<Candidate>(candidates);

    /// <summary>The candidates passed over and why.</summary>
    public IReadOnlyList<(Candidate Candidate, string Why)> Skipped => _skipped;

    /// <summary>The candidates not reached yet.</summary>
    public IReadOnlyList<Candidate> Remaining => _queue.ToList();

    /// <inheritdoc />
    public Candidate Next(IReadOnlyList<CandidateResult> done, TimeSpan timeLeft, Func<Candidate, double?> estimate)
    {
        while (_queue.TryDequeue(out var next))
        {
            double? seconds = estimate(next);
            if (seconds is double s && s > timeLeft.TotalSeconds && done.Any(r => r.Status == CandidateStatus.Done))
            {
                _skipped.Add((next, $"needs about {s:F0} s, {timeLeft.TotalSeconds:F0} s left"));
                continue;
            }
            return next;
        }
        return null;
    }
}

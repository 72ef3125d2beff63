namespace MLNetContextual.Cli.Sweep;

/// <summary>
/// Chooses the next candidate to try. The sweep asks after every result; a search that knows more (Microsoft.ML.AutoML's
/// tuners, where that package is available) can take over by implementing this one method.
/// </summary>
public interface ICandidateSearch
{
    /// <summary>The next candidate, given the results so far and the time left; null: the search is over.</summary>
    /// <param name="done">Every result so far, in the order run.</param>
    /// <param name="timeLeft">Time left in the budget.</param>
    /// <param name="estimate">The sweep's estimate of a candidate's seconds (null: unknown yet).</param>
    Candidate Next(IReadOnlyList<CandidateResult> done, TimeSpan timeLeft, Func<Candidate, double?> estimate);
}

namespace MLNetContextual.Cli.Terminal;

/// <summary>How much <c>mlnetctx</c> prints (<c>--verbosity</c>, as mlnet: q, m, diag).</summary>
public enum Verbosity
{
    /// <summary>Only the result and errors.</summary>
    Quiet,
    /// <summary>Leaderboard, progress and what was chosen.</summary>
    Minimal,
    /// <summary>Also every candidate's notes and all metrics.</summary>
    Diagnostic,
}

using MLNetContextual.Cli.Output;
using MLNetContextual.Cli.Sweep;
using MLNetContextual.Cli.Terminal;
using Spectre.Console;

namespace MLNetContextual.Cli;

/// <summary>
/// <c>mlnetctx classification|regression</c>: sweep within the time budget, keep the best, write model.zip, the projects,
/// run.json and the report. Ctrl+C stops the sweep and keeps the best model so far.
/// </summary>
public static class SweepCommand
{
    /// <summary>Runs from the command line (Ctrl+C wired); returns the exit code.</summary>
    public static int Run(SweepSettings settings)
    {
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler handler = (_, e) =>
        {
            if (cancel.IsCancellationRequested)
                return;    // a second Ctrl+C ends the process at once
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += handler;
        try
        {
            return Execute(settings, AnsiConsole.Console, cancel.Token, out _);
        }
        finally
        {
            Console.CancelKeyPress -= handler;
        }
    }

    /// <summary>Runs on <paramref name="console"/>; returns the exit code (0 written, 1 bad input or nothing to keep, 130 interrupted with nothing kept).</summary>
    public static int Execute(SweepSettings settings, IAnsiConsole console, CancellationToken cancel, out OutputWriter.Written written,
        Action<CandidateResult> afterCandidate = null, Func<IReadOnlyList<Candidate>, ICandidateSearch> search = null)
    {
        written = null;
        using var view = new SweepConsole(console, settings.Verbosity, settings.LogFile);
        try
        {
            var runner = new SweepRunner(settings, view, cancel) { AfterCandidate = afterCandidate, SearchFactory = search };
            var outcome = view.Run(runner.Run);
            written = OutputWriter.Write(outcome);
            Summary(view, outcome, written);
            return 0;
        }
        catch (SweepException e)
        {
            view.Warn(e.Message);
            console.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return cancel.IsCancellationRequested ? 130 : 1;
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidDataException or UnauthorizedAccessException)
        {
            view.Warn(e.Message);
            console.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return 1;
        }
    }

    private static void Summary(SweepConsole view, SweepOutcome o, OutputWriter.Written w)
    {
        var console = view.Console;
        if (o.Settings.Verbosity != Verbosity.Quiet && !view.Interactive)
            console.Write(view.Table(o.Results, o.MetricName));
        string test = o.TestEvaluation != null ? $", test {o.MetricName} {o.TestEvaluation.Metric:F4}" : "";
        console.MarkupLineInterpolated($"[green]Best:[/] {o.Best.Candidate.Pipeline}, {o.MetricName} {o.Best.Metric:F4} on {o.Scoring}{test}.");
        if (o.Interrupted)
            console.MarkupLineInterpolated($"[yellow]Interrupted by Ctrl+C: kept the best model so far ({o.Best.Candidate.Pipeline}).[/]");
        if (o.Settings.Verbosity != Verbosity.Quiet)
            foreach (var s in o.Samples)
                console.WriteLine(s.Line);
        console.MarkupLineInterpolated($"[green]Saved[/] {w.Zip}");
        console.MarkupLineInterpolated($"  consume: cd {w.ConsumeProject} && dotnet run");
        console.MarkupLineInterpolated($"  retrain: {w.TrainingProject}; record: {w.RunRecord}; report: {w.Report}");
    }
}

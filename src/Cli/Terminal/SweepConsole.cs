using System.Diagnostics;
using MLNetContextual.Cli.Sweep;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace MLNetContextual.Cli.Terminal;

/// <summary>
/// What the sweep shows while it runs: a live leaderboard with a progress line (bar, rate, ETA) on an interactive
/// terminal, plain lines otherwise; every line also goes to the log file when one is given.
/// </summary>
public sealed class SweepConsole : IDisposable
{
    private readonly IAnsiConsole _console;
    private readonly Verbosity _verbosity;
    private readonly StreamWriter _log;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<string> _recent = new();
    private readonly object _gate = new();
    private LiveDisplayContext _live;
    private IReadOnlyList<CandidateResult> _results = [];
    private string _metric = "";
    private string _running;
    private (string Step, long Done, long Total, Stopwatch Watch, int LastDecile)? _progress;

    /// <summary>A view on <paramref name="console"/>, logging to <paramref name="logPath"/> (null: no log).</summary>
    public SweepConsole(IAnsiConsole console, Verbosity verbosity, string logPath)
    {
        _console = console;
        _verbosity = verbosity;
        if (!string.IsNullOrEmpty(logPath))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logPath)));
            _log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        }
    }

    /// <summary>The console (for the final summary).</summary>
    public IAnsiConsole Console => _console;

    /// <summary>Whether output goes to an interactive terminal (live display).</summary>
    public bool Interactive => _console.Profile.Capabilities.Interactive && _verbosity != Verbosity.Quiet;

    /// <summary>Runs <paramref name="body"/> with the live display when interactive.</summary>
    public T Run<T>(Func<T> body)
    {
        if (!Interactive)
            return body();
        T result = default;
        _console.Live(Render()).AutoClear(false).Overflow(VerticalOverflow.Ellipsis).Start(ctx =>
        {
            _live = ctx;
            try
            {
                result = body();
            }
            finally
            {
                lock (_gate)
                {
                    _progress = null;
                    _running = null;
                    ctx.UpdateTarget(Render());
                    _live = null;
                }
            }
        });
        return result;
    }

    /// <summary>A line of information (always logged; shown unless quiet).</summary>
    public void Info(string text) => Line(text, "grey", Verbosity.Minimal);

    /// <summary>A detail shown with --verbosity diag.</summary>
    public void Detail(string text) => Line(text, "grey50", Verbosity.Diagnostic);

    /// <summary>A warning (shown unless quiet).</summary>
    public void Warn(string text) => Line("warning: " + text, "yellow", Verbosity.Minimal);

    private void Line(string text, string colour, Verbosity level)
    {
        Log(text);
        if (_verbosity < level)
            return;
        lock (_gate)
        {
            if (_live != null)
            {
                _recent.Add(text);
                if (_recent.Count > 6)
                    _recent.RemoveAt(0);
                _live.UpdateTarget(Render());
            }
            else
                _console.MarkupLine($"[{colour}]{Markup.Escape(text)}[/]");
        }
    }

    /// <summary>Progress of a long step (rows encoded, steps trained, folds); ETA from the rate since the step began.</summary>
    public void Progress(string step, long done, long total)
    {
        lock (_gate)
        {
            if (_progress is not { } p || p.Step != step)
                p = (step, 0, total, Stopwatch.StartNew(), -1);
            p.Done = done;
            p.Total = total;
            int decile = total > 0 ? (int)(10 * done / total) : 0;
            bool milestone = decile != p.LastDecile;
            p.LastDecile = decile;
            _progress = p;
            if (milestone)
                Log(ProgressText(p));
            if (_live != null)
                _live.UpdateTarget(Render());
            else if (milestone && _verbosity >= Verbosity.Minimal && done > 0)
                _console.MarkupLine($"[grey]{Markup.Escape(ProgressText(p))}[/]");
            if (done >= total)
                _progress = null;
        }
    }

    /// <summary>The leaderboard changed (a candidate started or finished).</summary>
    public void Leaderboard(IReadOnlyList<CandidateResult> results, string metric, Candidate running)
    {
        lock (_gate)
        {
            var previous = _results;
            _results = results.ToList();
            _metric = metric;
            _running = running?.Pipeline;
            var last = _results.Count > previous.Count ? _results[^1] : null;
            if (last != null)
                Log($"{last.Candidate.Id} {last.Candidate.Pipeline}: {last.Status} {(last.Metric is double m ? $"{metric} {m:F4}" : "")} in {last.Seconds:F1} s {last.Note}");
            if (_live != null)
                _live.UpdateTarget(Render());
            else if (last != null && _verbosity >= Verbosity.Minimal)
                _console.MarkupLine(Markup.Escape($"{last.Candidate.Id} {last.Candidate.Pipeline}: {Describe(last, metric)}"));
        }
    }

    /// <summary>The leaderboard as a table (also printed at the end).</summary>
    public Table Table(IReadOnlyList<CandidateResult> results, string metric, string running = null)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("Leaderboard")
            .AddColumn("#").AddColumn(new TableColumn(metric).RightAligned()).AddColumn(new TableColumn("Time (s)").RightAligned())
            .AddColumn("Pipeline").AddColumn("Note");
        var ranked = results.OrderByDescending(r => r.Metric ?? double.NegativeInfinity).ToList();
        foreach (var r in ranked)
            table.AddRow(Markup.Escape(r.Candidate.Id), r.Metric is double m ? $"{m:F4}" : Markup.Escape(r.Status.ToString().ToLowerInvariant()),
                $"{r.Seconds:F1}", Markup.Escape(r.Candidate.Pipeline), Markup.Escape(r.Note ?? ""));
        if (running != null)
            table.AddRow("…", "", "", Markup.Escape(running), "[blue]running[/]");
        return table;
    }

    private static string Describe(CandidateResult r, string metric) => r.Status == CandidateStatus.Done
        ? $"{metric} {r.Metric:F4} in {r.Seconds:F1} s{(r.Note != null ? $" ({r.Note})" : "")}"
        : $"{r.Status.ToString().ToLowerInvariant()}{(r.Note != null ? $": {r.Note}" : "")}";

    private IRenderable Render()
    {
        var rows = new List<IRenderable> { Table(_results, _metric, _running) };
        if (_progress is { } p)
            rows.Add(new Markup($"[blue]{Markup.Escape(ProgressText(p))}[/]"));
        foreach (var line in _recent)
            rows.Add(new Markup($"[grey]{Markup.Escape(line)}[/]"));
        return new Rows(rows);
    }

    private static string ProgressText((string Step, long Done, long Total, Stopwatch Watch, int LastDecile) p)
    {
        double fraction = p.Total > 0 ? Math.Clamp(p.Done / (double)p.Total, 0, 1) : 0;
        int filled = (int)(fraction * 30);
        double elapsed = p.Watch.Elapsed.TotalSeconds, rate = elapsed > 0 ? p.Done / elapsed : 0;
        string eta = rate > 0 && p.Done < p.Total ? TimeSpan.FromSeconds((p.Total - p.Done) / rate).ToString(@"m\:ss") : "-";
        return $"{p.Step} [{new string('#', filled)}{new string('-', 30 - filled)}] {fraction:P0} {p.Done:N0}/{p.Total:N0}, {rate:F1}/s, ETA {eta}";
    }

    private void Log(string text) => _log?.WriteLine($"[{_clock.Elapsed:hh\\:mm\\:ss}] {text}");

    /// <inheritdoc />
    public void Dispose() => _log?.Dispose();
}

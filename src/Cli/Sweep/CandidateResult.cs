namespace MLNetContextual.Cli.Sweep;

/// <summary>How a candidate's run ended.</summary>
public enum CandidateStatus
{
    /// <summary>Trained and scored.</summary>
    Done,
    /// <summary>Not started: the time left was too short for its estimate, or it could not run here.</summary>
    Skipped,
    /// <summary>Stopped at the time budget or by Ctrl+C.</summary>
    Cancelled,
    /// <summary>Threw; the message is in the note.</summary>
    Failed,
}

/// <summary>A candidate's score and cost.</summary>
public sealed class CandidateResult
{
    /// <summary>The candidate.</summary>
    public Candidate Candidate { get; init; }

    /// <summary>How it ended.</summary>
    public CandidateStatus Status { get; set; }

    /// <summary>The ranking metric on the validation rows (or the mean over folds); null unless done.</summary>
    public double? Metric { get; set; }

    /// <summary>Seconds spent (encoding the sweep's features is counted once, apart).</summary>
    public double Seconds { get; set; }

    /// <summary>Why it was skipped, cancelled or failed; or what it chose (epochs, tokens).</summary>
    public string Note { get; set; }

    /// <summary>The full evaluation (the last fold with --cv-fold).</summary>
    public Evaluation Evaluation { get; set; }

    /// <summary>Per-fold metric with --cv-fold.</summary>
    public List<double> Folds { get; set; }

    /// <summary>Fine-tuning: the progress reports (loss per interval, validation per epoch).</summary>
    public List<MLNetContextual.FineTuningProgress> Curve { get; set; }
}

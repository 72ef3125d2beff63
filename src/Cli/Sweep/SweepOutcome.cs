using Microsoft.ML;
using MLNetContextual.Cli.Data;

namespace MLNetContextual.Cli.Sweep;

/// <summary>What a sweep found and kept.</summary>
public sealed class SweepOutcome
{
    /// <summary>The settings it ran with.</summary>
    public SweepSettings Settings { get; init; }
    /// <summary>Training rows (the split used to score candidates).</summary>
    public TaskData Train { get; set; }
    /// <summary>Validation rows (empty with --cv-fold).</summary>
    public TaskData Valid { get; set; }
    /// <summary>--test-dataset rows, or null.</summary>
    public TaskData Test { get; set; }
    /// <summary>How candidates were scored, in words.</summary>
    public string Scoring { get; set; }
    /// <summary>The ranking metric's name.</summary>
    public string MetricName { get; set; }
    /// <summary>Every candidate, in the order run (skipped ones included).</summary>
    public List<CandidateResult> Results { get; } = new();
    /// <summary>The chosen candidate.</summary>
    public CandidateResult Best { get; set; }
    /// <summary>The kept model (text in, prediction out).</summary>
    public ITransformer Model { get; set; }
    /// <summary>The model's input schema (Text[, Text2]).</summary>
    public DataViewSchema InputSchema { get; set; }
    /// <summary>Class names in the order of the Score vector (multiclass), or [negative, positive] (binary).</summary>
    public string[] ScoreClasses { get; set; }
    /// <summary>Whether the kept model was re-trained on training + validation rows.</summary>
    public bool RetrainedOnAll { get; set; }
    /// <summary>Whether Ctrl+C ended the sweep.</summary>
    public bool Interrupted { get; set; }
    /// <summary>The final model on --test-dataset.</summary>
    public Evaluation TestEvaluation { get; set; }
    /// <summary>Token lengths per encoder name.</summary>
    public Dictionary<string, TokenLengths> TokenLengths { get; } = new();
    /// <summary>What the sweep chose and why, in order.</summary>
    public List<string> Notes { get; } = new();
    /// <summary>Feature encodings done (encoder, rows, tokens, seconds).</summary>
    public List<FeatureSetRecord> Encodings { get; } = new();
    /// <summary>Seconds from start to the kept model.</summary>
    public double Seconds { get; set; }
    /// <summary>Predictions of the saved model on a few rows (filled when saved).</summary>
    public List<SamplePrediction> Samples { get; set; } = new();
    /// <summary>The MaxTokens of the chosen pipeline's encoder (frozen or fine-tuned), if any.</summary>
    public int? MaxTokens { get; set; }
    /// <summary>Whether the chosen frozen encoder reads long texts as overlapping windows.</summary>
    public bool LongTextWindows { get; set; }
}

/// <summary>One encoding of the sweep's rows.</summary>
public sealed record FeatureSetRecord(string Encoder, int Rows, int MaxTokens, bool Windows, double Seconds, double RowsPerSecond);

/// <summary>A prediction of the saved model, as the generated consumption project prints it.</summary>
public sealed record SamplePrediction(string Text, string Text2, string Predicted, float Score, string Line);

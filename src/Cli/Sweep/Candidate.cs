namespace MLNetContextual.Cli.Sweep;

/// <summary>What a candidate pipeline is made of.</summary>
public enum CandidateKind
{
    /// <summary>ML.NET's FeaturizeText (word and character n-grams) + a linear trainer: the baseline.</summary>
    NGrams,
    /// <summary>A frozen contextual encoder (pooled, encoded once per sweep) + an ML.NET trainer.</summary>
    FrozenEncoder,
    /// <summary>The encoder fine-tuned with a classification head (TorchSharp).</summary>
    FineTune,
}

/// <summary>One pipeline the sweep may train and score.</summary>
/// <param name="Id">Short unique id (c1, c2, …).</param>
/// <param name="Kind">Baseline, frozen encoder or fine-tuning.</param>
/// <param name="Encoder">The encoder (frozen and fine-tuning candidates), else null.</param>
/// <param name="Trainer">The ML.NET trainer (baseline and frozen candidates), else null.</param>
public sealed record Candidate(string Id, CandidateKind Kind, EncoderChoice Encoder, TrainerSpec Trainer)
{
    /// <summary>The pipeline in words, for the leaderboard.</summary>
    public string Pipeline => Kind switch
    {
        CandidateKind.NGrams => $"FeaturizeText → {Trainer.Name}",
        CandidateKind.FrozenEncoder => $"{Encoder.Name} (mean) → {Trainer.Name}",
        _ => $"fine-tune {Encoder.Name}",
    };
}

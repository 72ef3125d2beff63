namespace MLNetContextual.Cli;

/// <summary>How the model is trained.</summary>
public enum TrainingMode
{
    /// <summary>Frozen contextual embeddings (embedded MiniLM) feeding ML.NET's SDCA: minutes on a laptop.</summary>
    Features,
    /// <summary>Fine-tune the encoder with a classification head (TorchSharp): slower, usually more accurate.</summary>
    FineTune,
}

/// <summary>What <c>mlnetctx train</c> was asked to do.</summary>
public sealed record TrainSettings(FileInfo Data, string TextColumn, string LabelColumn, TrainingMode Mode,
    DirectoryInfo Output, double TestFraction, int Epochs, int Seed);

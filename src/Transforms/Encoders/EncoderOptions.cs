namespace MLNetContextual;

/// <summary>Settings shared by every transform that runs a BERT-family encoder.</summary>
public class EncoderOptions
{
    /// <summary>The encoder; default: the embedded all-MiniLM-L6-v2.</summary>
    public ContextualEncoder Encoder { get; set; } = ContextualEncoder.MiniLM;

    /// <summary>Word pieces kept per text, [CLS] and [SEP] included; longer text is truncated at the end.
    /// At most the model's <see cref="ContextualEncoder.MaxPositions"/>.</summary>
    public int MaxTokens { get; set; } = 256;

    /// <summary>Rows sent to the encoder in one run when a whole IDataView is transformed.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Threads ONNX Runtime uses inside one run; null: its default (one per physical core).</summary>
    public int? IntraOpThreads { get; set; }

    /// <summary>CUDA device to run on; null: CPU. Needs the Microsoft.ML.OnnxRuntime.Gpu package in the application.
    /// Not saved with the model: set it again on the machine that loads it.</summary>
    public int? GpuDeviceId { get; set; }

    /// <summary>With <see cref="GpuDeviceId"/> set: run on the CPU when the GPU cannot be used, instead of failing.</summary>
    public bool FallbackToCpu { get; set; }

    /// <summary>Let ONNX Runtime's threads busy-wait for work between steps. Off by default: on a machine shared with
    /// other work it measured 1.35–1.49× slower on (bench embed-throughput --profile), and no faster when idle.
    /// Not saved with the model.</summary>
    public bool AllowSpinning { get; set; }

    internal void Validate()
    {
        if (Encoder == null)
            throw new ArgumentNullException(nameof(Encoder), "Encoder must be set (default: ContextualEncoder.MiniLM).");
        if (MaxTokens < 3)
            throw new ArgumentOutOfRangeException(nameof(MaxTokens), $"MaxTokens is {MaxTokens}; it must be at least 3.");
        if (MaxTokens > Encoder.MaxPositions)
            throw new ArgumentOutOfRangeException(nameof(MaxTokens), $"MaxTokens is {MaxTokens}; this model accepts at most {Encoder.MaxPositions}.");
        if (BatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(BatchSize), $"BatchSize is {BatchSize}; it must be at least 1.");
    }
}

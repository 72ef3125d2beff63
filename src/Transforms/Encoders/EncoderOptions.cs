namespace MLNetContextual;

/// <summary>Settings shared by every transform that runs a contextual encoder.</summary>
public class EncoderOptions
{
    /// <summary>Most rows one encoder batch may hold.</summary>
    public const int MaxBatchSize = 4096;

    /// <summary>Most tokens any encoder is run on per text (for encoders without a position limit of their own).</summary>
    public const int MaxTokensLimit = 1 << 16;

    /// <summary>The encoder; default: the embedded all-MiniLM-L6-v2 on ONNX Runtime.</summary>
    public ContextualEncoder Encoder { get; set; } = ContextualEncoder.MiniLM;

    /// <summary>Tokens kept per text, special tokens included ([CLS] and [SEP] for BERT); longer text is truncated at the end.
    /// At most the model's <see cref="ContextualEncoder.MaxPositions"/>.</summary>
    public int MaxTokens { get; set; } = 256;

    /// <summary>Rows sent to the encoder in one run when a whole IDataView is transformed (at most <see cref="MaxBatchSize"/>).</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Encoder batches the cursor reads ahead, so that rows of similar length can be run together and little is
    /// padded. 8 measured 1.19× faster than 4 on SST-2 (bench embed-throughput --profile).</summary>
    public int ReadAheadBatches { get; set; } = 8;

    /// <summary>Which hidden states of a token encoder are used, and how several are mixed; default: the last layer.</summary>
    public LayerSelection Layers { get; set; } = LayerSelection.Last;

    /// <summary>Threads the encoder uses inside one run; null: ONNX Runtime's default (one per physical core), or for TorchSharp encoders min(processors, 4) (set for each run and restored after it).</summary>
    public int? IntraOpThreads { get; set; }

    /// <summary>CUDA device to run on; null: CPU. Needs ONNX Runtime with CUDA in the application (Microsoft.ML.OnnxRuntime.Gpu.Linux in place of the CPU native library; see the README).
    /// Not saved with the model: set it again on the machine that loads it.</summary>
    public int? GpuDeviceId { get; set; }

    /// <summary>With <see cref="GpuDeviceId"/> set: run on the CPU when the GPU cannot be used, instead of failing.</summary>
    public bool FallbackToCpu { get; set; }

    /// <summary>Let ONNX Runtime's threads busy-wait for work between steps. Off by default: on a machine shared with
    /// other work it measured 1.35–1.49× slower on (bench embed-throughput --profile), and no faster when idle.
    /// Not saved with the model.</summary>
    public bool AllowSpinning { get; set; }

    /// <summary>Save every weight inside the zip. Off by default: an encoder that ships inside a referenced package (the
    /// embedded MiniLM) is saved as its name and SHA-256, and loading checks that the package holds the same model.</summary>
    public bool SelfContainedZip { get; set; }

    /// <summary>Checks the settings that do not depend on the encoder.</summary>
    internal void Validate()
    {
        if (Encoder == null)
            throw new ArgumentNullException(nameof(Encoder), "Encoder must be set (default: ContextualEncoder.MiniLM).");
        Validate(Encoder);
    }

    /// <summary>Checks the settings against <paramref name="encoder"/>.</summary>
    internal void Validate(ContextualEncoder encoder)
    {
        int min = encoder.Has(EncoderCapabilities.TextPairs) ? 3 : 1;
        if (MaxTokens < min)
            throw new ArgumentOutOfRangeException(nameof(MaxTokens), $"MaxTokens is {MaxTokens}; it must be at least {min}.");
        int max = Math.Min(encoder.MaxPositions, MaxTokensLimit);
        if (MaxTokens > max)
            throw new ArgumentOutOfRangeException(nameof(MaxTokens), $"MaxTokens is {MaxTokens}; this model accepts at most {max}.");
        if (BatchSize is < 1 or > MaxBatchSize)
            throw new ArgumentOutOfRangeException(nameof(BatchSize), $"BatchSize is {BatchSize}; it must be between 1 and {MaxBatchSize}.");
        if (ReadAheadBatches is < 1 or > 1024)
            throw new ArgumentOutOfRangeException(nameof(ReadAheadBatches), $"ReadAheadBatches is {ReadAheadBatches}; it must be between 1 and 1024.");
        if (IntraOpThreads is int threads && threads < 1)
            throw new ArgumentOutOfRangeException(nameof(IntraOpThreads), $"IntraOpThreads is {threads}; it must be at least 1 (or null for the default).");
        if (GpuDeviceId is int device && device < 0)
            throw new ArgumentOutOfRangeException(nameof(GpuDeviceId), $"GpuDeviceId is {device}; it must not be negative.");
        if (Layers == null)
            throw new ArgumentNullException(nameof(Layers), "Layers must be set (default: LayerSelection.Last).");
    }

    /// <summary>A copy of the settings (so that later changes to the options do not reach a fitted transformer).</summary>
    internal EncoderOptions CopyRuntime() => new()
    {
        Encoder = Encoder, MaxTokens = MaxTokens, BatchSize = BatchSize, ReadAheadBatches = ReadAheadBatches, Layers = Layers,
        IntraOpThreads = IntraOpThreads, GpuDeviceId = GpuDeviceId, FallbackToCpu = FallbackToCpu, AllowSpinning = AllowSpinning,
        SelfContainedZip = SelfContainedZip,
    };
}

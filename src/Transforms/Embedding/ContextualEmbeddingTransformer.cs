using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>
/// Maps a text column to one contextual vector per row (<c>Vector&lt;Single, dimension&gt;</c>): the encoder's token
/// vectors (the chosen layers mixed) pooled, or the encoder's own sentence vector. Null and empty text give the embedding
/// of the empty input (BERT: [CLS] [SEP]); text longer than <see cref="EncoderOptions.MaxTokens"/> is truncated at the end
/// or encoded as overlapping windows (<see cref="ContextualEmbeddingOptions.LongText"/>).
/// Dispose to release the encoder; using it afterwards throws <see cref="ObjectDisposedException"/>.
/// </summary>
public sealed class ContextualEmbeddingTransformer : ContextualTransformerBase, IDisposable
{
    internal const string ComponentId = "contextual-embedding";
    private const string SettingsEntry = "Transformer.json";

    internal ContextualEmbeddingTransformer(string outputColumnName, string inputColumnName, SentenceEmbedder embedder)
    {
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
        Embedder = embedder;
    }

    /// <summary>The output column.</summary>
    public string OutputColumnName { get; }
    /// <summary>The text column.</summary>
    public string InputColumnName { get; }
    /// <summary>The pooling.</summary>
    public ContextualPooling Pooling => Embedder.Pooling;
    /// <summary>Whether vectors are scaled to unit length.</summary>
    public bool Normalize => Embedder.Normalize;
    /// <summary>How text longer than the encoder's window is handled.</summary>
    public LongTextHandling LongText => Embedder.LongText;
    /// <summary>The length of each vector.</summary>
    public int Dimension => Embedder.Dimension;
    /// <summary>The encoder (for a model read from files: a copy held in memory).</summary>
    public ContextualEncoder Encoder => Embedder.Encoder.Descriptor;
    /// <summary>The layers used and their mix.</summary>
    public LayerSelection Layers => Embedder.Encoder.Settings.Layers;

    internal SentenceEmbedder Embedder { get; }

    internal override int FormatVersion => 2;

    internal override ColumnMapper CreateMapper(DataViewSchema inputSchema) =>
        new SentenceVectorMapper(Embedder, inputSchema, InputColumnName, OutputColumnName);

    private sealed record Settings(string Output, string Input, ContextualPooling Pooling, bool Normalize, LongTextHandling LongText, int WindowOverlap,
        int CacheSizeMB);

    internal override void SaveModel(ModelWriter writer)
    {
        writer.WriteJson(SettingsEntry, new Settings(OutputColumnName, InputColumnName, Pooling, Normalize, LongText, Embedder.WindowOverlap, Embedder.CacheMegabytes));
        Embedder.Encoder.Save(writer);
    }

    internal static ContextualTransformerBase LoadModel(ModelReader reader)
    {
        if (reader.FormatVersion == 1)
            return LoadFirstRelease(reader);
        var s = reader.ReadJson<Settings>(SettingsEntry);
        var encoder = EncoderHandle.Load(reader, nameof(ContextualEmbeddingTransformer));
        return new ContextualEmbeddingTransformer(s.Output, s.Input, new SentenceEmbedder(encoder, s.Pooling, s.Normalize, s.LongText, s.WindowOverlap, s.CacheSizeMB));
    }

    // First release: binary settings, BERT on ONNX; Pooling None was the token-level output, now its own transform.
    private static ContextualTransformerBase LoadFirstRelease(ModelReader reader)
    {
        var r = reader.Reader;
        string output = r.ReadString(), input = r.ReadString();
        var pooling = (ContextualPooling)r.ReadInt32();
        bool normalize = r.ReadBoolean();
        string tokens = r.ReadString();
        var encoder = EncoderHandle.LoadLegacy(reader, nameof(ContextualEmbeddingTransformer));
        if (pooling == ContextualPooling.None)
            return new ContextualTokenEmbeddingTransformer(output, input, encoder, normalize, includeSpecialTokens: true,
                tokens.Length == 0 ? output + "Tokens" : tokens, output + "Starts", output + "Lengths");
        return new ContextualEmbeddingTransformer(output, input, new SentenceEmbedder(encoder, pooling, normalize, LongTextHandling.Truncate, 0, new ContextualEmbeddingOptions().CacheSizeMB));
    }

    /// <summary>Releases the encoder (after rows being encoded on other threads are done).</summary>
    public void Dispose() => Embedder.Dispose();
}

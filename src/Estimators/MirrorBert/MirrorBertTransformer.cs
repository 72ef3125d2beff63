using Microsoft.ML;

namespace MLNetContextual;

/// <summary>
/// A Mirror-BERT-trained encoder applied to a text column: one pooled sentence vector per row
/// (<c>Vector&lt;Single, hidden&gt;</c>; null and empty text give the empty text's vector), computed on ONNX Runtime (no
/// libtorch at prediction or load). <see cref="Encoder"/> is the trained encoder, an ordinary <see cref="BertOnnxEncoder"/>
/// for <c>ApplyContextualEmbedding</c>, <c>ApplyContextualTokenEmbedding</c>, <c>ApplyContextualWordEmbedding</c> and
/// <see cref="ContextualEmbeddingGenerator"/>. Saved inside the model zip (graph and vocabulary). Dispose to release the
/// encoder's session.
/// </summary>
public sealed class MirrorBertTransformer : ContextualTransformerBase, IDisposable
{
    internal const string ComponentId = "mirror-bert";
    private const string SettingsEntry = "MirrorBert.json";

    private readonly SentenceEmbedder _embedder;

    internal MirrorBertTransformer(string outputColumnName, string inputColumnName, EncoderHandle encoder, ContextualPooling pooling,
        MirrorBertSummary summary)
    {
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
        _embedder = new SentenceEmbedder(encoder, pooling, normalize: false, LongTextHandling.Truncate, 0);
        Summary = summary;
    }

    /// <summary>The output column.</summary>
    public string OutputColumnName { get; }

    /// <summary>The text column.</summary>
    public string InputColumnName { get; }

    /// <summary>The trained encoder (BERT on ONNX Runtime); use it with <see cref="Pooling"/> for the same vectors.</summary>
    public BertOnnxEncoder Encoder => (BertOnnxEncoder)_embedder.Encoder.Descriptor;

    /// <summary>The pooling the encoder was trained with and this transformer applies.</summary>
    public ContextualPooling Pooling => _embedder.Pooling;

    /// <summary>Length of each sentence vector.</summary>
    public int Dimension => _embedder.Dimension;

    /// <summary>What the fit did: rows used and skipped, the loss of every step, time, seed.</summary>
    public MirrorBertSummary Summary { get; }

    /// <summary>Sentence vectors of <paramref name="texts"/> directly, without an IDataView.</summary>
    public float[][] Embed(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var result = new float[texts.Count][];
        _embedder.Embed(texts.ToArray(), result);
        return result;
    }

    internal override ColumnMapper CreateMapper(DataViewSchema inputSchema) =>
        new SentenceVectorMapper(_embedder, inputSchema, InputColumnName, OutputColumnName);

    private sealed record Settings(string Output, string Input, ContextualPooling Pooling, MirrorBertSummary Summary);

    internal override void SaveModel(ModelWriter writer)
    {
        writer.WriteJson(SettingsEntry, new Settings(OutputColumnName, InputColumnName, Pooling, Summary));
        _embedder.Encoder.Save(writer);
    }

    internal static MirrorBertTransformer LoadModel(ModelReader reader)
    {
        var s = reader.ReadJson<Settings>(SettingsEntry);
        if (!MirrorBertOptions.Poolings.Contains(s.Pooling))
            throw new InvalidDataException($"'{SettingsEntry}' of {reader.Component} names pooling {s.Pooling}; expected one of ({string.Join(", ", MirrorBertOptions.Poolings)}).");
        var encoder = EncoderHandle.Load(reader, nameof(MirrorBertTransformer));
        return new MirrorBertTransformer(s.Output, s.Input, encoder, s.Pooling, s.Summary);
    }

    /// <summary>Releases the encoder (after rows being encoded on other threads are done).</summary>
    public void Dispose() => _embedder.Dispose();
}

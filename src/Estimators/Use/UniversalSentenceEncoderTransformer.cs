using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>
/// A trained Universal Sentence Encoder applied to a text column: one sentence vector per row
/// (<c>Vector&lt;Single, dimension&gt;</c>; null and empty text give the empty text's vector). <see cref="Encoder"/> is the
/// trained encoder, for <c>ApplyContextualEmbedding</c> and <see cref="ContextualEmbeddingGenerator"/>; it is saved
/// inside the model zip. Dispose to release the encoder.
/// </summary>
public sealed class UniversalSentenceEncoderTransformer : ContextualTransformerBase, IDisposable
{
    internal const string ComponentId = "universal-sentence-encoder";
    private const string SettingsEntry = "Transformer.json";

    private readonly SentenceEmbedder _embedder;

    internal UniversalSentenceEncoderTransformer(string outputColumnName, string inputColumnName, EncoderHandle encoder,
        IReadOnlyList<UseEpochSummary> history, int bestEpoch)
    {
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
        _embedder = new SentenceEmbedder(encoder, ContextualPooling.Encoder, normalize: false, LongTextHandling.Truncate, 0);
        History = history;
        BestEpoch = bestEpoch;
    }

    /// <summary>The output column.</summary>
    public string OutputColumnName { get; }

    /// <summary>The text column.</summary>
    public string InputColumnName { get; }

    /// <summary>The trained encoder (<see cref="UseDanEncoder"/> or <see cref="UseTransformerEncoder"/>).</summary>
    public ContextualEncoder Encoder => _embedder.Encoder.Descriptor;

    /// <summary>Length of each sentence vector.</summary>
    public int Dimension => _embedder.Dimension;

    /// <summary>Training loss and validation Spearman of every epoch.</summary>
    public IReadOnlyList<UseEpochSummary> History { get; }

    /// <summary>The epoch whose weights were kept (the best validation Spearman; the last epoch without validation).</summary>
    public int BestEpoch { get; }

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

    private sealed record Settings(string Output, string Input, List<UseEpochSummary> History, int BestEpoch);

    internal override void SaveModel(ModelWriter writer)
    {
        writer.WriteJson(SettingsEntry, new Settings(OutputColumnName, InputColumnName, History.ToList(), BestEpoch));
        _embedder.Encoder.Save(writer);
    }

    internal static UniversalSentenceEncoderTransformer LoadModel(ModelReader reader)
    {
        var s = reader.ReadJson<Settings>(SettingsEntry);
        var encoder = EncoderHandle.Load(reader, nameof(UniversalSentenceEncoderTransformer));
        return new UniversalSentenceEncoderTransformer(s.Output, s.Input, encoder, s.History ?? [], s.BestEpoch);
    }

    /// <summary>Releases the encoder (after rows being encoded on other threads are done).</summary>
    public void Dispose() => _embedder.Dispose();
}

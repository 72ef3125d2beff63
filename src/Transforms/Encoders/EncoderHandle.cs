using System.Security.Cryptography;

namespace MLNetContextual;

/// <summary>
/// A loaded encoder with its tokenizer and run settings, as transformers hold it; saves itself into the model zip
/// (the ONNX file and vocabulary as zip entries) and loads back from it.
/// </summary>
internal sealed class EncoderHandle : IDisposable
{
    private const string ModelEntry = "Encoder.onnx", VocabEntry = "Encoder.vocab.txt";

    private static readonly Lazy<string> s_miniLMHash = new(() =>
    {
        using var s = ContextualEncoder.MiniLM.Model.Open();
        return ModelSource.Sha256(s);
    });

    private EncoderHandle(ContextualEncoder encoder, int maxTokens, int batchSize, int? intraOpThreads, EncoderOptions runtime)
    {
        Descriptor = encoder;
        MaxTokens = maxTokens;
        BatchSize = batchSize;
        IntraOpThreads = intraOpThreads;
        Tokenizer = ReferenceEquals(encoder, ContextualEncoder.MiniLM) ? BertTextTokenizer.MiniLM : LoadTokenizer(encoder);
        Onnx = new OnnxBertEncoder(encoder, Tokenizer, runtime);
    }

    public ContextualEncoder Descriptor { get; }
    public BertTextTokenizer Tokenizer { get; }
    public OnnxBertEncoder Onnx { get; }
    public int MaxTokens { get; }
    public int BatchSize { get; }
    public int? IntraOpThreads { get; }
    public int Dimension => Onnx.Dimension;

    public static EncoderHandle Create(EncoderOptions options)
    {
        options.Validate();
        return new EncoderHandle(options.Encoder, options.MaxTokens, options.BatchSize, options.IntraOpThreads, options);
    }

    private static BertTextTokenizer LoadTokenizer(ContextualEncoder encoder)
    {
        using var vocab = encoder.Vocabulary.Open();
        try
        {
            return BertTextTokenizer.Load(vocab, encoder.LowerCase);
        }
        catch (Exception e) when (e is not IOException)
        {
            throw new InvalidDataException($"Vocabulary '{encoder.Vocabulary}' is not a WordPiece vocab.txt: {e.Message}", e);
        }
    }

    public BertEncoding Encode(string text) => Tokenizer.Encode(text ?? string.Empty, MaxTokens);

    public void Save(ModelWriter writer)
    {
        var w = writer.Writer;
        w.Write(Descriptor.Name);
        w.Write(Descriptor.LowerCase);
        w.Write(Descriptor.MaxPositions);
        w.Write(MaxTokens);
        w.Write(BatchSize);
        w.Write(IntraOpThreads ?? 0);
        writer.WriteBlob(ModelEntry, Descriptor.Model.Open);
        writer.WriteBlob(VocabEntry, Descriptor.Vocabulary.Open);
    }

    public static EncoderHandle Load(ModelReader reader)
    {
        var r = reader.Reader;
        string name = r.ReadString();
        bool lowerCase = r.ReadBoolean();
        int maxPositions = r.ReadInt32();
        int maxTokens = r.ReadInt32();
        int batchSize = r.ReadInt32();
        int threads = r.ReadInt32();
        byte[] model = reader.ReadBlobBytes(ModelEntry), vocab = reader.ReadBlobBytes(VocabEntry);

        // The embedded model need not stay in managed memory: ONNX Runtime keeps the one copy, the package the other.
        var encoder = name == ContextualEncoder.MiniLM.Name && Convert.ToHexString(SHA256.HashData(model)) == s_miniLMHash.Value
            ? ContextualEncoder.MiniLM
            : ContextualEncoder.FromSaved(name, ModelSource.FromBytes(model), ModelSource.FromBytes(vocab), lowerCase, maxPositions);
        var options = new EncoderOptions { Encoder = encoder, MaxTokens = maxTokens, BatchSize = batchSize, IntraOpThreads = threads > 0 ? threads : null };
        return Create(options);
    }

    public void Dispose() => Onnx.Dispose();
}

using System.Text;
using System.Text.Json;
using MLNetContextual.Torch;

[assembly: MLNetContextual.ContextualEncoderLoader(MLNetContextual.UseTransformerEncoder.KindId, typeof(MLNetContextual.UseTransformerEncoder.Loader))]

namespace MLNetContextual;

/// <summary>
/// The Transformer variant of the Universal Sentence Encoder (Cer et al. 2018): context-aware token states from a
/// Transformer encoder (BERT's layer layout, over USE's word vocabulary), and as the sentence vector their sum divided by
/// √length. Both a token encoder (every layer, with character offsets: pooling, word spans, token output, fine-tuning)
/// and a sentence encoder (<c>ApplyContextualEmbedding</c> with the default pooling takes its own sentence vector). Run
/// by TorchSharp. Trained by <c>ml.Transforms.Text.LearnUniversalSentenceEncoder</c>.
/// </summary>
public sealed class UseTransformerEncoder : TrainableTokenEncoder
{
    internal const string KindId = "use-transformer";

    private readonly byte[] _state;    // TorchSharp state dict of the BertModel; null: random initialisation

    internal UseTransformerEncoder(string name, UseTokenizer tokenizer, BertConfig config, byte[] state)
    {
        Name = name;
        Tokenizer = tokenizer;
        Config = config;
        _state = state;
        if (config.VocabSize != tokenizer.TokenRows)
            throw new InvalidDataException($"The USE Transformer's vocab_size is {config.VocabSize}; its vocabulary needs {tokenizer.TokenRows}.");
    }

    internal UseTokenizer Tokenizer { get; }

    /// <summary>The Transformer's shape (BERT's config names).</summary>
    public BertConfig Config { get; }

    /// <inheritdoc />
    public override string Kind => KindId;

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override EncoderCapabilities Capabilities => EncoderCapabilities.TokenVectors | EncoderCapabilities.SentenceVectors;

    /// <inheritdoc />
    public override int MaxPositions => Config.MaxPositionEmbeddings;

    /// <summary>Length of its token and sentence vectors.</summary>
    public int Dimension => Config.HiddenSize;

    /// <inheritdoc />
    public override ITextTokenizer CreateTokenizer() => Tokenizer;

    /// <inheritdoc />
    protected internal override bool SnapshotsWeights => _state == null;

    /// <inheritdoc />
    public override ITokenEncoderModule CreateModule()
    {
        TorchRuntime.EnsureLoaded();
        var model = new BertModel(Config);
        if (_state != null)
        {
            using var r = new BinaryReader(new MemoryStream(_state, writable: false));
            TorchState.Read(model, r);
        }
        model.eval();
        return model;
    }

    /// <inheritdoc />
    public override TrainableTokenEncoder WithWeights(ITokenEncoderModule module)
    {
        if (module is not BertModel bert)
            throw new ArgumentException($"A UseTransformerEncoder takes the weights of a BertModel, not of {module?.GetType().Name ?? "null"}.", nameof(module));
        return new UseTransformerEncoder(Name, Tokenizer, Config, StateOf(bert));
    }

    internal static byte[] StateOf(BertModel model)
    {
        using var m = new MemoryStream();
        using (var w = new BinaryWriter(m, Encoding.UTF8, leaveOpen: true))
            TorchState.Write(model, w);
        return m.ToArray();
    }

    /// <inheritdoc />
    public override IEncoderSession Open(EncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(this);
        return new UseTransformerSession(this, new TorchTokenSession(this, options));
    }

    internal sealed record SavedConfig(string Name, bool LowerCase, int Words, int OovBuckets, JsonElement Bert);

    /// <inheritdoc />
    protected internal override void Save(EncoderWriter writer)
    {
        writer.WriteConfig(new SavedConfig(Name, Tokenizer.LowerCase, Tokenizer.Words.Count, Tokenizer.OovBuckets,
            JsonDocument.Parse(Config.ToJson()).RootElement));
        writer.WriteBlob("vocab.txt", Tokenizer.VocabularyBytes());
        if (_state != null)
            writer.WriteBlob("weights.bin", _state);
        else
            using (var model = (BertModel)CreateModule())
                writer.WriteBlob("weights.bin", StateOf(model));
    }

    /// <summary>Reads <see cref="UseTransformerEncoder"/>s back from zips.</summary>
    public sealed class Loader : IContextualEncoderLoader
    {
        /// <inheritdoc />
        public ContextualEncoder Load(EncoderReader reader)
        {
            reader.RequireFormatVersion(1, 1);
            var c = reader.ReadConfig<SavedConfig>();
            var words = UseTokenizer.ReadVocabulary(reader.ReadBlob("vocab.txt"));
            if (words.Count != c.Words)
                throw new InvalidDataException($"Encoder '{c.Name}' ({KindId}): vocab.txt holds {words.Count} words; its config says {c.Words}.");
            var tokenizer = new UseTokenizer(words, c.LowerCase, c.OovBuckets, bigramBuckets: 0);
            return new UseTransformerEncoder(c.Name, tokenizer, BertConfig.FromJson(c.Bert.GetRawText()), reader.ReadBlob("weights.bin"));
        }
    }
}

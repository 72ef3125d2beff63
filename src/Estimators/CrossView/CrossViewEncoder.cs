using MLNetContextual.Torch;

[assembly: MLNetContextual.ContextualEncoderLoader(MLNetContextual.CrossViewEncoder.KindId, typeof(MLNetContextual.CrossViewEncoder.Loader))]

namespace MLNetContextual;

/// <summary>
/// A sequence tagger trained by Cross-View Training (Clark, Luong, Manning and Le, EMNLP 2018): a character-CNN + word
/// embedding encoder, two biLSTM layers, and the primary prediction module (one hidden ReLU layer, softmax over the
/// tags) over both layers' states. Trained by <c>ml.Transforms.Text.LearnCrossViewTagger</c>; tags tokens
/// (<see cref="Tag(IReadOnlyList{string})"/>), and as a token encoder of kind <c>cross-view</c> gives every token its
/// [h1→; h1←; h2→; h2←] (what the primary module reads) to <c>ApplyContextualTokenEmbedding</c>,
/// <c>ApplyContextualEmbedding</c>, <see cref="ContextualEmbeddingGenerator"/> and the trainers. Inference runs in
/// managed code (no libtorch); the zip holds the config, vocabulary, characters, tags and weights.
/// </summary>
/// <remarks>
/// Tokens are the white-space-separated strings of a text (see <see cref="CrossViewTokenizer"/>); a sentence is read
/// as &lt;start&gt; w_1 … w_n &lt;end&gt; (the specials get span (0, 0) and are dropped by the transforms unless asked
/// for). One layer of <see cref="Dimension"/> values per token. Tagging has no length limit (a text is tagged in full);
/// the transforms' <c>MaxTokens</c> (default 256) truncates what they encode.
/// </remarks>
public sealed class CrossViewEncoder : TrainableTokenEncoder
{
    internal const string KindId = "cross-view";

    private readonly Lazy<CrossViewForward> _forward;

    internal CrossViewEncoder(string name, CrossViewConfig config, CrossViewVocabulary vocabulary, StateTensors weights)
    {
        config.Validate();
        Name = name;
        Config = config.Clone();
        VocabularyInternal = vocabulary;
        Weights = weights;
        Tokenizer = new CrossViewTokenizer(vocabulary);
        weights.Check(ExpectedShapes(Config, vocabulary), $"Encoder '{name}' ({KindId})");
        _forward = new(() => new CrossViewForward(Config, Weights, vocabulary.TagCount));
    }

    /// <inheritdoc />
    public override string Kind => KindId;

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override EncoderCapabilities Capabilities => EncoderCapabilities.TokenVectors;

    /// <summary>The model's sizes.</summary>
    public CrossViewConfig Config { get; }

    /// <summary>Length of every token vector: 2 × <see cref="CrossViewConfig.FirstLayerDim"/> + 2 × <see cref="CrossViewConfig.SecondLayerDim"/>.</summary>
    public int Dimension => Config.StateDim;

    /// <summary>Hidden states per token: 1, [h1→; h1←; h2→; h2←].</summary>
    public int LayerCount => 1;

    /// <summary>The tags the model predicts, id order (ordinal order of the training tags).</summary>
    public IReadOnlyList<string> Tags => VocabularyInternal.Tags;

    /// <summary>The word vocabulary: &lt;pad&gt;, &lt;unk&gt;, &lt;start&gt;, &lt;end&gt;, then the normalised words.</summary>
    public IReadOnlyList<string> Vocabulary => VocabularyInternal.Words;

    internal CrossViewVocabulary VocabularyInternal { get; }
    internal StateTensors Weights { get; }
    internal CrossViewTokenizer Tokenizer { get; }
    internal CrossViewForward Forward => _forward.Value;

    /// <summary>The tag of every token (one per token; an empty list gives no tags). Null tokens read as empty strings.</summary>
    public string[] Tag(IReadOnlyList<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return TagAll([tokens])[0];
    }

    /// <summary>The white-space-separated tokens of <paramref name="text"/> and their tags; null or empty text: none.</summary>
    public (string[] Tokens, string[] Tags) Tag(string text)
    {
        var tokens = CrossViewTokenizer.Tokens(text);
        return (tokens, Tag(tokens));
    }

    /// <summary>The primary module's probability of every tag (<see cref="Tags"/> order) for every token: [tokens][tags].</summary>
    public float[][] TagProbabilities(IReadOnlyList<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var probs = Probabilities([tokens])[0];
        int k = Tags.Count;
        return Enumerable.Range(0, tokens.Count).Select(i => probs.AsSpan(i * k, k).ToArray()).ToArray();
    }

    internal string[][] TagAll(IReadOnlyList<IReadOnlyList<string>> sentences)
    {
        var probs = Probabilities(sentences);
        int k = Tags.Count;
        var result = new string[sentences.Count][];
        for (int b = 0; b < sentences.Count; b++)
        {
            var tags = result[b] = new string[sentences[b].Count];
            for (int i = 0; i < tags.Length; i++)
            {
                var p = probs[b].AsSpan(i * k, k);
                tags[i] = Tags[System.Numerics.Tensors.TensorPrimitives.IndexOfMax(p)];
            }
        }
        return result;
    }

    internal float[][] Probabilities(IReadOnlyList<IReadOnlyList<string>> sentences)
    {
        var rows = sentences.Select(s => CrossViewSentence.Of(s, VocabularyInternal, Config.MaxWordLength)).ToArray();
        var result = new float[rows.Length][];
        var nonEmpty = Enumerable.Range(0, rows.Length).Where(i => sentences[i].Count > 0).ToArray();
        var states = Forward.States(nonEmpty.Select(i => rows[i]).ToArray());
        for (int i = 0; i < rows.Length; i++)
            result[i] = [];
        for (int j = 0; j < nonEmpty.Length; j++)
            result[nonEmpty[j]] = Forward.Probabilities(states[j], rows[nonEmpty[j]].Words.Length);
        return result;
    }

    /// <summary>The row of <paramref name="word"/> (a vocabulary entry, normalised: lower case, digits as 0) in
    /// pretrained vectors, −1 when they lack it (GloVe is lower-cased; the reference normalises GloVe's words the same way).</summary>
    internal static int PretrainedRow(StaticEmbeddings vectors, string word) => vectors.IndexOf(word);

    /// <summary>Every tensor a model of <paramref name="c"/> over <paramref name="v"/> saves, with its shape.</summary>
    internal static Dictionary<string, long[]> ExpectedShapes(CrossViewConfig c, CrossViewVocabulary v)
    {
        long h1 = c.FirstLayerDim, h2 = c.SecondLayerDim, p = c.PredictionHiddenDim, k = v.TagCount;
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal)
        {
            ["word_embed.weight"] = [v.WordCount, c.WordEmbeddingDim],
            ["char_embed.weight"] = [v.CharCount, c.CharEmbeddingDim],
            ["primary.hidden.weight"] = [p, c.StateDim], ["primary.hidden.bias"] = [p],
            ["primary.output.weight"] = [k, p], ["primary.output.bias"] = [k],
        };
        for (int i = 0; i < c.CharFilterWidths.Length; i++)
        {
            shapes[$"char_convs.{i}.weight"] = [c.CharFilters, c.CharEmbeddingDim, c.CharFilterWidths[i]];
            shapes[$"char_convs.{i}.bias"] = [c.CharFilters];
        }
        foreach (var (layer, input, h) in new[] { ("l1", (long)c.TokenDim, h1), ("l2", 2 * h1, h2) })
            foreach (var dir in new[] { "fw", "bw" })
            {
                shapes[$"{layer}_{dir}.weight_ih_l0"] = [4 * h, input];
                shapes[$"{layer}_{dir}.weight_hh_l0"] = [4 * h, h];
                shapes[$"{layer}_{dir}.bias_ih_l0"] = [4 * h];
                shapes[$"{layer}_{dir}.bias_hh_l0"] = [4 * h];
            }
        return shapes;
    }

    /// <inheritdoc />
    public override IEncoderSession Open(EncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(this);
        return new CrossViewSession(this, options);
    }

    /// <inheritdoc />
    public override ITextTokenizer CreateTokenizer() => Tokenizer;

    /// <inheritdoc />
    public override ITokenEncoderModule CreateModule()
    {
        TorchRuntime.EnsureLoaded();
        var module = new CrossViewModule(Config, VocabularyInternal);
        try
        {
            CrossViewWeights.CopyTo(Weights, module);
        }
        catch
        {
            module.Dispose();
            throw;
        }
        module.eval();
        return module;
    }

    /// <inheritdoc />
    public override TrainableTokenEncoder WithWeights(ITokenEncoderModule module)
    {
        if (module is not CrossViewModule m)
            throw new ArgumentException($"A CrossViewEncoder takes the weights of a Cross-View Training module, not of {module?.GetType().Name ?? "null"}.", nameof(module));
        return new CrossViewEncoder(Name, Config, VocabularyInternal, CrossViewWeights.FromModule(m));
    }

    internal sealed record SavedConfig(string Name, int WordEmbeddingDim, int CharEmbeddingDim, int[] CharFilterWidths, int CharFilters,
        int MaxWordLength, int FirstLayerDim, int SecondLayerDim, int PredictionHiddenDim, int VocabularySize, int TagCount, int[] Characters,
        StateTensors.Entry[] Tensors);

    /// <inheritdoc />
    protected internal override void Save(EncoderWriter writer)
    {
        var c = Config;
        writer.WriteConfig(new SavedConfig(Name, c.WordEmbeddingDim, c.CharEmbeddingDim, c.CharFilterWidths, c.CharFilters, c.MaxWordLength,
            c.FirstLayerDim, c.SecondLayerDim, c.PredictionHiddenDim, VocabularyInternal.WordCount, VocabularyInternal.TagCount,
            VocabularyInternal.Characters.ToArray(), Weights.Entries.ToArray()));
        writer.WriteBlob("vocab.txt", VocabularyInternal.WordBytes());
        writer.WriteBlob("tags.txt", VocabularyInternal.TagBytes());
        writer.WriteBlob("weights.bin", Weights.Write);
    }

    /// <summary>Reads <see cref="CrossViewEncoder"/>s back from zips: config.json, vocab.txt, tags.txt and weights.bin.</summary>
    public sealed class Loader : IContextualEncoderLoader
    {
        /// <inheritdoc />
        public ContextualEncoder Load(EncoderReader reader)
        {
            reader.RequireFormatVersion(1, 1);
            var c = reader.ReadConfig<SavedConfig>();
            string where = $"Encoder '{c.Name}' ({KindId})";
            if (c.Tensors is not { Length: > 0 })
                throw new InvalidDataException($"{where}: its config lists no tensors.");
            var config = new CrossViewConfig
            {
                WordEmbeddingDim = c.WordEmbeddingDim, CharEmbeddingDim = c.CharEmbeddingDim, CharFilterWidths = c.CharFilterWidths,
                CharFilters = c.CharFilters, MaxWordLength = c.MaxWordLength, FirstLayerDim = c.FirstLayerDim, SecondLayerDim = c.SecondLayerDim,
                PredictionHiddenDim = c.PredictionHiddenDim,
            };
            try
            {
                config.Validate();
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new InvalidDataException($"{where}: {e.Message}", e);
            }
            var vocabulary = CrossViewVocabulary.FromBytes(reader.ReadBlob("vocab.txt"), c.Characters, reader.ReadBlob("tags.txt"), c.VocabularySize, c.TagCount, where);
            var weights = CrossViewWeights.Read(reader.ReadBlob("weights.bin"), c.Tensors, where);
            return new CrossViewEncoder(c.Name ?? KindId, config, vocabulary, weights);
        }
    }
}

using System.Numerics.Tensors;
using MLNetContextual.Torch;

[assembly: MLNetContextual.ContextualEncoderLoader(MLNetContextual.Context2VecEncoder.KindId, typeof(MLNetContextual.Context2VecEncoder.Loader))]

namespace MLNetContextual;

/// <summary>
/// context2vec (Melamud, Goldberger and Dagan, CoNLL 2016): a bidirectional LSTM context encoder. Each token's state is
/// the vector of its sentential context — the left-to-right LSTM over the words before it and the right-to-left LSTM over
/// the words after it, merged by an MLP — in the space of the target-word embeddings it was trained against, so the words
/// whose target embeddings are nearest are the likely fillers of the slot (<see cref="Substitutes"/>). Trained by
/// <c>ml.Transforms.Text.LearnContext2Vec</c>; applied by every token transform (<c>ApplyContextualTokenEmbedding</c>,
/// <c>ApplyContextualWordEmbedding</c>, pooled <c>ApplyContextualEmbedding</c>), by
/// <see cref="ContextualEmbeddingGenerator"/>, and saved in the ML.NET zip. Inference runs in managed code (no libtorch).
/// </summary>
/// <remarks>
/// One layer (<see cref="LayerCount"/>) of <see cref="Dimension"/> values per token. The tokens are the words plus
/// &lt;BOS&gt; and &lt;EOS&gt; (span (0, 0), dropped by the transforms unless asked for): their states are the contexts of a
/// word inserted before the first word and after the last. A token's vector does not depend on the token itself, only on
/// its neighbours. The model has no length limit; the transforms' <c>MaxTokens</c> (default 256) truncates longer texts.
/// </remarks>
public sealed class Context2VecEncoder : TrainableTokenEncoder
{
    internal const string KindId = "context2vec";

    private readonly StateTensors _weights;
    private readonly Lazy<Context2VecForward> _forward;
    private readonly Lazy<float[]> _unitTargets;

    internal Context2VecEncoder(string name, Context2VecConfig config, Context2VecVocabulary vocabulary, StateTensors weights,
        bool lowerCase, bool whitespaceOnly)
    {
        config.Validate();
        Name = name;
        Config = config.Clone();
        VocabularyInternal = vocabulary;
        _weights = weights;
        LowerCase = lowerCase;
        WhitespaceOnly = whitespaceOnly;
        Tokenizer = new Context2VecTokenizer(vocabulary, lowerCase, whitespaceOnly);
        weights.Check(Context2VecWeights.Shapes(config, vocabulary.Count), $"Encoder '{name}' ({KindId})");
        var targets = weights["targets"];
        _forward = new(() => new Context2VecForward(Config, _weights));
        _unitTargets = new(() =>
        {
            var unit = targets.ToArray();
            int d = Config.ContextDim;
            for (int i = 0; i < vocabulary.Count; i++)
                TokenPooling.Normalize(unit.AsSpan(i * d, d));
            return unit;
        });
    }

    /// <inheritdoc />
    public override string Kind => KindId;

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override EncoderCapabilities Capabilities => EncoderCapabilities.TokenVectors;

    /// <summary>The model's sizes.</summary>
    public Context2VecConfig Config { get; }

    /// <summary>Length of every context vector (<see cref="Context2VecConfig.ContextDim"/>).</summary>
    public int Dimension => Config.ContextDim;

    /// <summary>Hidden states per token: 1, the context vector.</summary>
    public int LayerCount => 1;

    /// <summary>Whether words are lower-cased before they are looked up (the reference lower-cases everything).</summary>
    public bool LowerCase { get; }

    /// <summary>Whether tokens are the white-space-separated strings as they are (see <see cref="ElmoTokenizer"/>).</summary>
    public bool WhitespaceOnly { get; }

    /// <summary>The vocabulary, id order: &lt;UNK&gt;, &lt;BOS&gt;, &lt;EOS&gt;, then the words, most frequent first.</summary>
    public IReadOnlyList<string> Vocabulary => VocabularyInternal.Words;

    internal Context2VecVocabulary VocabularyInternal { get; }
    internal Context2VecTokenizer Tokenizer { get; }
    internal Context2VecForward Forward => _forward.Value;

    /// <inheritdoc />
    public override IEncoderSession Open(EncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(this);
        return new Context2VecSession(this, options);
    }

    /// <summary>The context vector of every word of <paramref name="text"/> (split as the transforms split it; no
    /// truncation): [words][<see cref="Dimension"/>]. Null or empty text: no words.</summary>
    public float[][] ContextVectors(string text)
    {
        var words = Tokenizer.Split(text ?? string.Empty);
        var all = Forward.Contexts(words.Select(w => w.Id).ToArray());
        int d = Dimension;
        return Enumerable.Range(0, words.Count).Select(i => all.AsSpan((i + 1) * d, d).ToArray()).ToArray();
    }

    /// <summary>
    /// Lexical substitution: the <paramref name="count"/> vocabulary words whose target embeddings have the highest cosine
    /// with the context vector of word <paramref name="wordIndex"/> of <paramref name="text"/> (the reference's
    /// target-to-context similarity). &lt;UNK&gt;, &lt;BOS&gt; and &lt;EOS&gt; are never returned.
    /// </summary>
    /// <param name="text">The sentence.</param>
    /// <param name="wordIndex">0-based index among the text's words (as <c>ApplyContextualTokenEmbedding</c> lists them).</param>
    /// <param name="count">Substitutes wanted (fewer when the vocabulary is smaller).</param>
    /// <param name="excludeWord">Leave out the word now in the slot (compared as the vocabulary holds it).</param>
    /// <returns>Best first.</returns>
    public IReadOnlyList<Context2VecSubstitute> Substitutes(string text, int wordIndex, int count = 10, bool excludeWord = true)
    {
        var words = Tokenizer.Split(text ?? string.Empty);
        if (words.Count == 0)
            throw new ArgumentException("The text has no words, so it has no slot to fill.", nameof(text));
        if ((uint)wordIndex >= (uint)words.Count)
            throw new ArgumentOutOfRangeException(nameof(wordIndex), $"wordIndex is {wordIndex}; the text has {words.Count} words (0 to {words.Count - 1}).");
        if (count < 1)
            throw new ArgumentOutOfRangeException(nameof(count), $"count is {count}; it must be at least 1.");
        int d = Dimension;
        var context = Forward.Contexts(words.Select(w => w.Id).ToArray()).AsSpan((wordIndex + 1) * d, d).ToArray();
        TokenPooling.Normalize(context);
        var unit = _unitTargets.Value;
        int exclude = excludeWord ? words[wordIndex].Id : -1;
        var best = new PriorityQueue<int, float>();
        for (int id = Context2VecVocabulary.SpecialCount; id < VocabularyInternal.Count; id++)
        {
            if (id == exclude)
                continue;
            float score = TensorPrimitives.Dot(unit.AsSpan(id * d, d), context);
            if (best.Count < count)
                best.Enqueue(id, score);
            else if (best.TryPeek(out _, out float worst) && score > worst)
                best.EnqueueDequeue(id, score);
        }
        var result = new List<Context2VecSubstitute>(best.Count);
        while (best.TryDequeue(out int id, out float score))
            result.Add(new Context2VecSubstitute(VocabularyInternal.Words[id], score));
        result.Reverse();
        return result;
    }

    /// <summary>Lexical substitution for the word at a character span of <paramref name="text"/> (the first word the span
    /// overlaps); see <see cref="Substitutes"/>.</summary>
    /// <param name="text">The sentence.</param>
    /// <param name="start">First character of the span.</param>
    /// <param name="length">Length of the span (at least 1).</param>
    /// <param name="count">Substitutes wanted.</param>
    /// <param name="excludeWord">Leave out the word now in the slot.</param>
    public IReadOnlyList<Context2VecSubstitute> SubstitutesAt(string text, int start, int length, int count = 10, bool excludeWord = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (start < 0 || length < 1 || start + length > text.Length)
            throw new ArgumentOutOfRangeException(nameof(start), $"The span ({start}, {length}) is not inside the text of {text.Length} characters.");
        var words = Tokenizer.Split(text);
        for (int i = 0; i < words.Count; i++)
            if (words[i].Start < start + length && words[i].Start + words[i].Length > start)
                return Substitutes(text, i, count, excludeWord);
        throw new ArgumentOutOfRangeException(nameof(start), $"The span ({start}, {length}) covers no word of the text (only white space).");
    }

    /// <inheritdoc />
    public override ITextTokenizer CreateTokenizer() => Tokenizer;

    /// <inheritdoc />
    public override ITokenEncoderModule CreateModule()
    {
        TorchRuntime.EnsureLoaded();
        var module = new Context2VecModule(Config, VocabularyInternal.Count);
        try
        {
            _weights.CopyTo(module);
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
        if (module is not Context2VecModule m)
            throw new ArgumentException($"A Context2VecEncoder takes the weights of a context2vec module, not of {module?.GetType().Name ?? "null"}.", nameof(module));
        return new Context2VecEncoder(Name, Config, VocabularyInternal, Context2VecWeights.FromModule(m), LowerCase, WhitespaceOnly);
    }

    internal sealed record SavedConfig(string Name, bool LowerCase, bool WhitespaceOnly, int WordEmbeddingDim, int LstmHiddenDim, int MlpHiddenDim,
        int ContextDim, int VocabularySize, StateTensors.Entry[] Tensors);

    /// <inheritdoc />
    protected internal override void Save(EncoderWriter writer)
    {
        writer.WriteConfig(new SavedConfig(Name, LowerCase, WhitespaceOnly, Config.WordEmbeddingDim, Config.LstmHiddenDim, Config.MlpHiddenDim,
            Config.ContextDim, VocabularyInternal.Count, _weights.Entries.ToArray()));
        writer.WriteBlob("vocab.txt", VocabularyInternal.ToBytes());
        writer.WriteBlob("weights.bin", _weights.Write);
    }

    /// <summary>Reads <see cref="Context2VecEncoder"/>s back from zips: config.json, vocab.txt and weights.bin.</summary>
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
            var config = new Context2VecConfig
            {
                WordEmbeddingDim = c.WordEmbeddingDim, LstmHiddenDim = c.LstmHiddenDim, MlpHiddenDim = c.MlpHiddenDim, ContextDim = c.ContextDim,
            };
            try
            {
                config.Validate();
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new InvalidDataException($"{where}: {e.Message}", e);
            }
            var vocabulary = Context2VecVocabulary.FromBytes(reader.ReadBlob("vocab.txt"), c.VocabularySize, where);
            var weights = Context2VecWeights.Read(reader.ReadBlob("weights.bin"), c.Tensors, where);
            return new Context2VecEncoder(c.Name, config, vocabulary, weights, c.LowerCase, c.WhitespaceOnly);
        }
    }
}

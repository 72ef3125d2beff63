using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetContextual.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>
/// A fine-tuned BERT-family text classifier (see <see cref="ContextualTextClassificationTrainer"/>): appends
/// <c>Score</c> and <c>PredictedLabel</c> (binary: also <c>Probability</c>). Rows are scored in batches when a whole
/// IDataView is transformed. Saves its encoder configuration, vocabulary and weights into the ML.NET zip.
/// </summary>
public sealed class ContextualTextClassificationTransformer : ContextualTransformerBase, IDisposable
{
    internal const string ComponentId = "text-classification";
    private const string Prefix = "TextClassifier";          // first release's entries
    private const string SettingsEntry = "Transformer.json", HeadEntry = "Head.classifier.bin", MixEntry = "Head.scalar_mix.bin";

    private readonly SequenceClassifier _model;
    private readonly ITextTokenizer _tokenizer;
    private readonly TrainableTokenEncoder _description;   // the encoder as trained from (name, vocabulary, kind)
    private readonly string[] _classNames;
    private readonly object _gate = new();
    private readonly bool _meanPooling;
    private TrainableTokenEncoder _encoder;
    private readonly UseGuard _guard = new(nameof(ContextualTextClassificationTransformer));

    internal ContextualTextClassificationTransformer(bool binary, ContextualTextClassificationOptions o, string[] classNames,
        int classes, TrainableTokenEncoder description, ITextTokenizer tokenizer, SequenceClassifier model)
        : this(new Settings(binary, o.Sentence1ColumnName, o.Sentence2ColumnName, o.ScoreColumnName, o.PredictedLabelColumnName,
            binary ? o.ProbabilityColumnName : null, o.MaxTokens, o.BatchSize, classes, classNames, o.FreezeEncoder, o.LearnScalarMix, o.MeanPooling),
            description, tokenizer, model)
    {
    }

    private ContextualTextClassificationTransformer(Settings s, TrainableTokenEncoder description, ITextTokenizer tokenizer, SequenceClassifier model)
    {
        IsBinary = s.Binary;
        Sentence1ColumnName = s.Sentence1;
        Sentence2ColumnName = s.Sentence2;
        ScoreColumnName = s.Score;
        PredictedLabelColumnName = s.PredictedLabel;
        ProbabilityColumnName = s.Binary ? s.Probability : null;
        MaxTokens = s.MaxTokens;
        BatchSize = s.BatchSize;
        ClassCount = s.Classes;
        _classNames = s.ClassNames;
        FreezeEncoder = s.FreezeEncoder;
        LearnScalarMix = s.LearnScalarMix;
        _meanPooling = s.MeanPooling;
        _description = description;
        _tokenizer = tokenizer;
        _model = model;
        _model.eval();
    }

    private sealed record Settings(bool Binary, string Sentence1, string Sentence2, string Score, string PredictedLabel, string Probability,
        int MaxTokens, int BatchSize, int Classes, string[] ClassNames, bool FreezeEncoder, bool LearnScalarMix, bool MeanPooling);

    /// <summary>Binary (Boolean label) or multiclass (key label).</summary>
    public bool IsBinary { get; }
    /// <summary>The text column.</summary>
    public string Sentence1ColumnName { get; }
    /// <summary>The second text column of sentence pairs; null for single texts.</summary>
    public string Sentence2ColumnName { get; }
    /// <summary>Output: the score.</summary>
    public string ScoreColumnName { get; }
    /// <summary>Output: the predicted label.</summary>
    public string PredictedLabelColumnName { get; }
    /// <summary>Output (binary only): the probability of <c>true</c>.</summary>
    public string ProbabilityColumnName { get; }
    /// <summary>Tokens kept per row.</summary>
    public int MaxTokens { get; }
    /// <summary>Rows scored in one forward pass.</summary>
    public int BatchSize { get; }
    /// <summary>Number of classes (2 for binary).</summary>
    public int ClassCount { get; }
    /// <summary>The label's key values as text (multiclass; null when the label had none).</summary>
    public IReadOnlyList<string> ClassNames => _classNames;
    /// <summary>Whether the encoder was kept frozen (only the head, and the mix, trained).</summary>
    public bool FreezeEncoder { get; }
    /// <summary>Whether the head reads a learned scalar mix of all the encoder's layers.</summary>
    public bool LearnScalarMix { get; }
    /// <summary>What training did; null for a model loaded from a file.</summary>
    public FineTuningSummary TrainingSummary { get; internal set; }

    /// <summary>The learned mix as fixed weights (w before the softmax, and γ), for the transforms'
    /// <see cref="LayerSelection.All"/>; null without <see cref="LearnScalarMix"/>.</summary>
    public LayerSelection LayerMix
    {
        get
        {
            if (_model.Mix == null)
                return null;
            var (w, gamma) = _model.Mix.Values();
            return LayerSelection.All(w, gamma);
        }
    }

    /// <summary>The fine-tuned encoder (a copy of its weights), to be applied by any transform, e.g.
    /// <c>ApplyContextualEmbedding(..., new ContextualEmbeddingOptions { Encoder = model.Encoder, Layers = model.LayerMix ?? LayerSelection.Last })</c>.</summary>
    public TrainableTokenEncoder Encoder
    {
        get
        {
            using var use = _guard.Enter();
            lock (_gate)
                return _encoder ??= _description.WithWeights(_model.Encoder);
        }
    }

    internal EncodedText Encode(string first, string second) => _tokenizer.Encode(first, second, MaxTokens);

    /// <summary>Scores a batch: multiclass rows get class probabilities, binary rows their one logit.</summary>
    internal void Predict(ReadOnlySpan<(string First, string Second)> inputs, Span<float[]> outputs)
    {
        using var use = _guard.Enter();
        var encodings = new EncodedText[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
            encodings[i] = Encode(inputs[i].First, inputs[i].Second);
        float[] flat;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var logits = _model.forward(encodings);
            if (!IsBinary)
                logits = logits.softmax(-1);
            flat = logits.contiguous().data<float>().ToArray();
        }
        int width = IsBinary ? 1 : ClassCount;
        for (int i = 0; i < inputs.Length; i++)
            outputs[i] = flat.AsSpan(i * width, width).ToArray();
    }

    /// <summary>The 0-based predicted class of a row's output.</summary>
    internal int PredictedClass(float[] output)
    {
        if (IsBinary)
            return output[0] > 0 ? 1 : 0;
        int best = 0;
        for (int c = 1; c < output.Length; c++)
            if (output[c] > output[best])
                best = c;
        return best;
    }

    internal override int FormatVersion => 2;

    internal override ColumnMapper CreateMapper(DataViewSchema inputSchema) => new Mapper(this, inputSchema);

    internal override void SaveModel(ModelWriter writer)
    {
        using var use = _guard.Enter();
        writer.WriteJson(SettingsEntry, new Settings(IsBinary, Sentence1ColumnName, Sentence2ColumnName, ScoreColumnName, PredictedLabelColumnName,
            ProbabilityColumnName, MaxTokens, BatchSize, ClassCount, _classNames, FreezeEncoder, LearnScalarMix, _meanPooling));
        // The encoder (with its fine-tuned weights) is saved as any encoder is, through its kind's loader; then the head.
        EncoderFiles.Save(writer, Encoder, selfContained: true);
        writer.WriteBlob(HeadEntry, w => TorchState.Write(_model.Head, w));
        if (_model.Mix != null)
            writer.WriteBlob(MixEntry, w => TorchState.Write(_model.Mix, w));
    }

    internal static ContextualTextClassificationTransformer LoadModel(ModelReader reader)
    {
        if (reader.FormatVersion == 1)
            return LoadFirstRelease(reader);
        var s = reader.ReadJson<Settings>(SettingsEntry);
        var description = EncoderFiles.Load<TrainableTokenEncoder>(reader);
        Torch.TorchRuntime.EnsureLoaded();
        var module = description.CreateModule();
        var model = new SequenceClassifier(module, s.Binary ? 1 : s.Classes, 0.1, s.LearnScalarMix, s.FreezeEncoder, s.MeanPooling);
        reader.ReadBlob(HeadEntry, r => TorchState.Read(model.Head, r));
        if (model.Mix != null)
            reader.ReadBlob(MixEntry, r => TorchState.Read(model.Mix, r));
        var transformer = new ContextualTextClassificationTransformer(s, description, description.CreateTokenizer(), model);
        transformer._encoder = description;   // already the fine-tuned weights
        return transformer;
    }

    // First release: settings in a hand-ordered binary layout, a BERT config, its vocabulary and the whole state dict.
    private static ContextualTextClassificationTransformer LoadFirstRelease(ModelReader reader)
    {
        var r = reader.Reader;
        bool binary = r.ReadBoolean();
        string s1 = r.ReadString(), s2 = r.ReadString(), score = r.ReadString(), predicted = r.ReadString(), probability = r.ReadString();
        int maxTokens = r.ReadInt32(), batchSize = r.ReadInt32(), classes = r.ReadInt32();
        string[] names = null;
        if (r.ReadBoolean())
        {
            names = new string[r.ReadInt32()];
            for (int i = 0; i < names.Length; i++)
                names[i] = r.ReadString();
        }
        bool lowerCase = r.ReadBoolean();
        var (config, vocabulary) = TaskModelFiles.LoadConfig(reader, Prefix);
        var description = BertCheckpoint.Shape("fine-tuned", config, vocabulary, lowerCase);
        var model = new SequenceClassifier(new BertModel(config), binary ? 1 : classes, 0.1, learnScalarMix: false, frozen: false);
        TaskModelFiles.LoadWeights(reader, Prefix, model);
        var settings = new Settings(binary, s1, s2.Length == 0 ? null : s2, score, predicted, probability.Length == 0 ? null : probability,
            maxTokens, batchSize, classes, names, false, false, false);
        return new ContextualTextClassificationTransformer(settings, description, description.CreateTokenizer(), model);
    }

    /// <summary>Releases the TorchSharp weights (after rows being scored on other threads are done).</summary>
    public void Dispose() => _guard.Dispose(_model.Dispose);

    private sealed class Mapper : ColumnMapper<(string First, string Second), float[]>
    {
        private readonly ContextualTextClassificationTransformer _parent;
        private readonly int _first, _second;
        private readonly DataViewSchema.DetachedColumn[] _outputs;

        public Mapper(ContextualTextClassificationTransformer parent, DataViewSchema inputSchema) : base(inputSchema)
        {
            _parent = parent;
            _first = SchemaChecks.RequireText(inputSchema, parent.Sentence1ColumnName).Index;
            _second = parent.Sentence2ColumnName != null ? SchemaChecks.RequireText(inputSchema, parent.Sentence2ColumnName).Index : -1;
            if (parent.IsBinary)
            {
                _outputs =
                [
                    new(parent.ScoreColumnName, NumberDataViewType.Single),
                    new(parent.ProbabilityColumnName, NumberDataViewType.Single),
                    new(parent.PredictedLabelColumnName, BooleanDataViewType.Instance),
                ];
            }
            else
            {
                int n = parent.ClassCount;
                var names = parent._classNames ?? Enumerable.Range(1, n).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
                ValueGetter<VBuffer<ReadOnlyMemory<char>>> getNames = (ref VBuffer<ReadOnlyMemory<char>> dst) =>
                    dst = new VBuffer<ReadOnlyMemory<char>>(n, names.Select(s => s.AsMemory()).ToArray());
                var scoreAnnotations = new DataViewSchema.Annotations.Builder();
                scoreAnnotations.Add("SlotNames", new VectorDataViewType(TextDataViewType.Instance, n), getNames);
                var keyAnnotations = new DataViewSchema.Annotations.Builder();
                if (parent._classNames != null)
                    keyAnnotations.Add("KeyValues", new VectorDataViewType(TextDataViewType.Instance, n), getNames);
                _outputs =
                [
                    new(parent.ScoreColumnName, new VectorDataViewType(NumberDataViewType.Single, n), scoreAnnotations.ToAnnotations()),
                    new(parent.PredictedLabelColumnName, new KeyDataViewType(typeof(uint), n), keyAnnotations.ToAnnotations()),
                ];
            }
        }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns => _outputs;
        public override IReadOnlyList<int> Dependencies => _second >= 0 ? [_first, _second] : [_first];
        public override int BatchSize => _parent.BatchSize;

        public override Func<(string, string)> CreateInputReader(DataViewRow row)
        {
            var first = SchemaChecks.TextReader(row, _first);
            var second = _second >= 0 ? SchemaChecks.TextReader(row, _second) : null;
            return () => (first(), second?.Invoke());
        }

        public override void Map(ReadOnlySpan<(string First, string Second)> inputs, Span<float[]> results) => _parent.Predict(inputs, results);

        public override Delegate CreateOutputGetter(int index, Func<float[]> current)
        {
            if (!_parent.IsBinary)
                return index == 0
                    ? VectorGetters.Floats(current)
                    : (ValueGetter<uint>)((ref uint dst) => dst = (uint)_parent.PredictedClass(current()) + 1);
            return index switch
            {
                0 => (ValueGetter<float>)((ref float dst) => dst = current()[0]),
                1 => (ValueGetter<float>)((ref float dst) => dst = 1f / (1f + MathF.Exp(-current()[0]))),
                _ => (ValueGetter<bool>)((ref bool dst) => dst = current()[0] > 0),
            };
        }
    }
}

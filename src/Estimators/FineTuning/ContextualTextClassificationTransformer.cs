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
    private const string Prefix = "TextClassifier";

    private readonly BertSequenceClassifier _model;
    private readonly BertTextTokenizer _tokenizer;
    private readonly BertConfig _config;
    private readonly byte[] _vocabulary;
    private readonly bool _lowerCase;
    private readonly string[] _classNames;

    internal ContextualTextClassificationTransformer(bool binary, ContextualTextClassificationOptions o, string[] classNames,
        int classes, BertConfig config, byte[] vocabulary, bool lowerCase, BertTextTokenizer tokenizer, BertSequenceClassifier model)
        : this(binary, o.Sentence1ColumnName, o.Sentence2ColumnName, o.ScoreColumnName, o.PredictedLabelColumnName,
            o.ProbabilityColumnName, o.MaxTokens, o.BatchSize, classNames, classes, config, vocabulary, lowerCase, tokenizer, model)
    {
    }

    private ContextualTextClassificationTransformer(bool binary, string sentence1, string sentence2, string score, string predicted,
        string probability, int maxTokens, int batchSize, string[] classNames, int classes, BertConfig config, byte[] vocabulary,
        bool lowerCase, BertTextTokenizer tokenizer, BertSequenceClassifier model)
    {
        IsBinary = binary;
        Sentence1ColumnName = sentence1;
        Sentence2ColumnName = sentence2;
        ScoreColumnName = score;
        PredictedLabelColumnName = predicted;
        ProbabilityColumnName = binary ? probability : null;
        MaxTokens = maxTokens;
        BatchSize = batchSize;
        _classNames = classNames;
        ClassCount = classes;
        _config = config;
        _vocabulary = vocabulary;
        _lowerCase = lowerCase;
        _tokenizer = tokenizer;
        _model = model;
        _model.eval();
    }

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
    /// <summary>Word pieces kept per row.</summary>
    public int MaxTokens { get; }
    /// <summary>Rows scored in one forward pass.</summary>
    public int BatchSize { get; }
    /// <summary>Number of classes (2 for binary).</summary>
    public int ClassCount { get; }
    /// <summary>The label's key values as text (multiclass; null when the label had none).</summary>
    public IReadOnlyList<string> ClassNames => _classNames;
    /// <summary>What training did; null for a model loaded from a file.</summary>
    public FineTuningSummary TrainingSummary { get; internal set; }

    internal BertEncoding Encode(string first, string second) => Sentence2ColumnName == null
        ? _tokenizer.Encode(first ?? string.Empty, MaxTokens)
        : _tokenizer.EncodePair(first ?? string.Empty, second ?? string.Empty, MaxTokens);

    /// <summary>Scores a batch: multiclass rows get class probabilities, binary rows their one logit.</summary>
    internal void Predict(ReadOnlySpan<(string First, string Second)> inputs, Span<float[]> outputs)
    {
        var encodings = new BertEncoding[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
            encodings[i] = Encode(inputs[i].First, inputs[i].Second);
        float[] flat;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            using var tokens = TokenBatch.Create(encodings.Select(e => e.Ids).ToArray(), encodings.Select(e => e.TypeIds).ToArray(), _tokenizer.PadId);
            var logits = _model.forward(tokens.Ids, tokens.Mask, tokens.Types);
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

    internal override ColumnMapper CreateMapper(DataViewSchema inputSchema) => new Mapper(this, inputSchema);

    internal override void SaveModel(ModelWriter writer)
    {
        var w = writer.Writer;
        w.Write(IsBinary);
        w.Write(Sentence1ColumnName);
        w.Write(Sentence2ColumnName ?? string.Empty);
        w.Write(ScoreColumnName);
        w.Write(PredictedLabelColumnName);
        w.Write(ProbabilityColumnName ?? string.Empty);
        w.Write(MaxTokens);
        w.Write(BatchSize);
        w.Write(ClassCount);
        w.Write(_classNames != null);
        if (_classNames != null)
        {
            w.Write(_classNames.Length);
            foreach (var name in _classNames)
                w.Write(name);
        }
        w.Write(_lowerCase);
        TaskModelFiles.Save(writer, Prefix, _config, _vocabulary, _model);
    }

    internal static ContextualTextClassificationTransformer LoadModel(ModelReader reader)
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
        var model = new BertSequenceClassifier(new BertModel(config), config.HiddenSize, binary ? 1 : classes, 0.1);
        TaskModelFiles.LoadWeights(reader, Prefix, model);
        return new ContextualTextClassificationTransformer(binary, s1, s2.Length == 0 ? null : s2, score, predicted,
            probability.Length == 0 ? null : probability, maxTokens, batchSize, names, classes, config, vocabulary, lowerCase,
            TaskModelFiles.Tokenizer(vocabulary, lowerCase), model);
    }

    /// <summary>Releases the TorchSharp weights.</summary>
    public void Dispose() => _model.Dispose();

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

using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetContextual.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>
/// A fine-tuned extractive question answerer (see <see cref="ContextualQuestionAnswerTrainer"/>): appends <c>Answer</c>
/// (the best spans of the context, vector of text) and <c>Score</c> (their probabilities). Long contexts are read in
/// strided windows. Saves its encoder configuration, vocabulary and weights into the ML.NET zip.
/// </summary>
public sealed class ContextualQuestionAnswerTransformer : ContextualTransformerBase, IDisposable
{
    private const string Prefix = "QuestionAnswerer";

    private readonly BertSpanExtractor _model;
    private readonly BertTextTokenizer _tokenizer;
    private readonly BertConfig _config;
    private readonly byte[] _vocabulary;
    private readonly bool _lowerCase;
    private readonly QaWindowBuilder _windows;
    private readonly UseGuard _guard = new(nameof(ContextualQuestionAnswerTransformer));

    internal ContextualQuestionAnswerTransformer(ContextualQuestionAnswerOptions o, BertConfig config, byte[] vocabulary, bool lowerCase,
        BertTextTokenizer tokenizer, BertSpanExtractor model)
        : this(o.ContextColumnName, o.QuestionColumnName, o.PredictedAnswerColumnName, o.ScoreColumnName, o.TopK, o.MaxSequenceLength,
            o.DocumentStride, o.MaxQueryLength, o.NBestSize, o.MaxAnswerLength, o.BatchSize, config, vocabulary, lowerCase, tokenizer, model)
    {
    }

    private ContextualQuestionAnswerTransformer(string context, string question, string answer, string score, int topK, int maxSequence,
        int stride, int maxQuery, int nBest, int maxAnswer, int batchSize, BertConfig config, byte[] vocabulary, bool lowerCase,
        BertTextTokenizer tokenizer, BertSpanExtractor model)
    {
        ContextColumnName = context;
        QuestionColumnName = question;
        PredictedAnswerColumnName = answer;
        ScoreColumnName = score;
        TopK = topK;
        MaxSequenceLength = maxSequence;
        DocumentStride = stride;
        MaxQueryLength = maxQuery;
        NBestSize = nBest;
        MaxAnswerLength = maxAnswer;
        BatchSize = batchSize;
        _config = config;
        _vocabulary = vocabulary;
        _lowerCase = lowerCase;
        _tokenizer = tokenizer;
        _model = model;
        _model.eval();
        _windows = new QaWindowBuilder(tokenizer, maxSequence, stride, maxQuery);
    }

    /// <summary>The passage column.</summary>
    public string ContextColumnName { get; }
    /// <summary>The question column.</summary>
    public string QuestionColumnName { get; }
    /// <summary>Output: the best answers.</summary>
    public string PredictedAnswerColumnName { get; }
    /// <summary>Output: their probabilities.</summary>
    public string ScoreColumnName { get; }
    /// <summary>Answers per question.</summary>
    public int TopK { get; }
    /// <summary>Word pieces per window.</summary>
    public int MaxSequenceLength { get; }
    /// <summary>Word pieces between window starts.</summary>
    public int DocumentStride { get; }
    /// <summary>Word pieces of the question kept.</summary>
    public int MaxQueryLength { get; }
    /// <summary>Start and end candidates per window.</summary>
    public int NBestSize { get; }
    /// <summary>Longest answer, in word pieces.</summary>
    public int MaxAnswerLength { get; }
    /// <summary>Windows per forward pass.</summary>
    public int BatchSize { get; }
    /// <summary>What training did; null for a model loaded from a file.</summary>
    public FineTuningSummary TrainingSummary { get; internal set; }

    /// <summary>The answers of a batch of questions.</summary>
    internal void Predict(ReadOnlySpan<(string Context, string Question)> inputs, Span<QaAnswer> results)
    {
        using var use = _guard.Enter();
        var windows = new List<QaWindow>();
        for (int i = 0; i < inputs.Length; i++)
            if (!string.IsNullOrEmpty(inputs[i].Context))
                windows.AddRange(_windows.Build(i, inputs[i].Context, inputs[i].Question));

        var startLogits = new float[windows.Count][];
        var endLogits = new float[windows.Count][];
        for (int from = 0; from < windows.Count; from += BatchSize)
        {
            var batch = windows.Skip(from).Take(BatchSize).ToArray();
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            using var tokens = TokenBatch.Create(batch.Select(w => w.Ids).ToArray(), batch.Select(w => w.TypeIds).ToArray(), _tokenizer.PadId);
            var logits = _model.forward(tokens.Ids, tokens.Mask, tokens.Types).contiguous();   // (B, T, 2)
            int width = (int)logits.shape[1];
            var flat = logits.data<float>().ToArray();
            for (int b = 0; b < batch.Length; b++)
            {
                var s = new float[width];
                var e = new float[width];
                for (int t = 0; t < width; t++)
                {
                    s[t] = flat[(b * width + t) * 2];
                    e[t] = flat[(b * width + t) * 2 + 1];
                }
                startLogits[from + b] = s;
                endLogits[from + b] = e;
            }
        }

        for (int i = 0; i < inputs.Length; i++)
        {
            var mine = Enumerable.Range(0, windows.Count).Where(w => windows[w].Example == i).ToList();
            if (mine.Count == 0)
            {
                results[i] = new QaAnswer([], []);
                continue;
            }
            var (answers, scores) = SpanDecoder.Decode(inputs[i].Context, mine.Select(w => windows[w]).ToList(),
                mine.Select(w => startLogits[w]).ToList(), mine.Select(w => endLogits[w]).ToList(), NBestSize, MaxAnswerLength, TopK);
            results[i] = new QaAnswer(answers, scores);
        }
    }

    /// <summary>SQuAD EM/F1 of the best answers against the gold answers.</summary>
    internal SquadScores Evaluate(IReadOnlyList<(string Context, string Question, IReadOnlyList<string> Golds)> questions)
    {
        var predictions = new string[questions.Count];
        int perRun = Math.Max(1, BatchSize);
        var results = new QaAnswer[perRun];
        for (int from = 0; from < questions.Count; from += perRun)
        {
            int n = Math.Min(perRun, questions.Count - from);
            var inputs = questions.Skip(from).Take(n).Select(q => (q.Context, q.Question)).ToArray();
            Predict(inputs, results.AsSpan(0, n));
            for (int i = 0; i < n; i++)
                predictions[from + i] = results[i].Answers.Length > 0 ? results[i].Answers[0] : string.Empty;
        }
        return SquadMetrics.Evaluate(questions.Select((q, i) => (predictions[i], q.Golds)));
    }

    internal override ColumnMapper CreateMapper(DataViewSchema inputSchema) => new Mapper(this, inputSchema);

    internal override void SaveModel(ModelWriter writer)
    {
        using var use = _guard.Enter();
        var w = writer.Writer;
        w.Write(ContextColumnName);
        w.Write(QuestionColumnName);
        w.Write(PredictedAnswerColumnName);
        w.Write(ScoreColumnName);
        w.Write(TopK);
        w.Write(MaxSequenceLength);
        w.Write(DocumentStride);
        w.Write(MaxQueryLength);
        w.Write(NBestSize);
        w.Write(MaxAnswerLength);
        w.Write(BatchSize);
        w.Write(_lowerCase);
        TaskModelFiles.Save(writer, Prefix, _config, _vocabulary, _model);
    }

    internal static ContextualQuestionAnswerTransformer LoadModel(ModelReader reader)
    {
        var r = reader.Reader;
        string context = r.ReadString(), question = r.ReadString(), answer = r.ReadString(), score = r.ReadString();
        int topK = r.ReadInt32(), maxSequence = r.ReadInt32(), stride = r.ReadInt32(), maxQuery = r.ReadInt32(),
            nBest = r.ReadInt32(), maxAnswer = r.ReadInt32(), batchSize = r.ReadInt32();
        bool lowerCase = r.ReadBoolean();
        var (config, vocabulary) = TaskModelFiles.LoadConfig(reader, Prefix);
        var model = new BertSpanExtractor(new BertModel(config), config.HiddenSize);
        TaskModelFiles.LoadWeights(reader, Prefix, model);
        return new ContextualQuestionAnswerTransformer(context, question, answer, score, topK, maxSequence, stride, maxQuery, nBest,
            maxAnswer, batchSize, config, vocabulary, lowerCase, TaskModelFiles.Tokenizer(vocabulary, lowerCase), model);
    }

    /// <summary>Releases the TorchSharp weights (after rows being answered on other threads are done).</summary>
    public void Dispose() => _guard.Dispose(_model.Dispose);

    internal sealed record QaAnswer(string[] Answers, float[] Scores);

    private sealed class Mapper : ColumnMapper<(string Context, string Question), QaAnswer>
    {
        private readonly ContextualQuestionAnswerTransformer _parent;
        private readonly int _context, _question;
        private readonly DataViewSchema.DetachedColumn[] _outputs;

        public Mapper(ContextualQuestionAnswerTransformer parent, DataViewSchema inputSchema) : base(inputSchema)
        {
            _parent = parent;
            _context = SchemaChecks.RequireText(inputSchema, parent.ContextColumnName).Index;
            _question = SchemaChecks.RequireText(inputSchema, parent.QuestionColumnName).Index;
            _outputs =
            [
                new(parent.PredictedAnswerColumnName, new VectorDataViewType(TextDataViewType.Instance)),
                new(parent.ScoreColumnName, new VectorDataViewType(NumberDataViewType.Single)),
            ];
        }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns => _outputs;
        public override IReadOnlyList<int> Dependencies => [_context, _question];
        public override int BatchSize => _parent.BatchSize;

        public override Func<(string, string)> CreateInputReader(DataViewRow row)
        {
            var context = SchemaChecks.TextReader(row, _context);
            var question = SchemaChecks.TextReader(row, _question);
            return () => (context(), question());
        }

        public override void Map(ReadOnlySpan<(string Context, string Question)> inputs, Span<QaAnswer> results) => _parent.Predict(inputs, results);

        public override Delegate CreateOutputGetter(int index, Func<QaAnswer> current) => index == 0
            ? VectorGetters.Texts(() => current().Answers)
            : VectorGetters.Floats(() => current().Scores);
    }
}

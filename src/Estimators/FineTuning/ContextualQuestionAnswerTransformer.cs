using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetContextual.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>
/// A fine-tuned extractive question answerer (see <see cref="ContextualQuestionAnswerTrainer"/>): appends <c>Answer</c>
/// (the best spans of the context, vector of text) and <c>Score</c> (their probabilities). Long contexts are read in
/// strided windows.
/// </summary>
/// <remarks>
/// At the end of <c>Fit</c> the fine-tuned encoder and its span head are written as an ONNX graph (into the graph the
/// encoder was imported from, or a BERT graph written from its configuration); predictions run that graph on ONNX
/// Runtime (start and end logits; the span decoding stays in managed code). The zip holds the graph and the vocabulary:
/// loading it and predicting never load libtorch. Zips of format version 1 load and predict with TorchSharp.
/// </remarks>
public sealed class ContextualQuestionAnswerTransformer : ContextualTransformerBase, IDisposable
{
    private const string Prefix = "QuestionAnswerer";
    private const string SettingsEntry = "QuestionAnswerer.json", GraphEntry = "QuestionAnswerer.onnx", VocabularyEntry = "QuestionAnswerer.vocab.txt";

    private BertSpanExtractor _model;          // TorchSharp: null for a graph loaded from a zip until asked for
    private byte[] _graph;                     // the ONNX graph predictions run on; null: TorchSharp predicts
    private OnnxTaskSession _onnx;
    private readonly object _gate = new();
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
        _model?.eval();
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

    /// <summary>Saved settings (format 2).</summary>
    private sealed record Settings(string Context, string Question, string Answer, string Score, int TopK, int MaxSequenceLength,
        int DocumentStride, int MaxQueryLength, int NBestSize, int MaxAnswerLength, int BatchSize, bool LowerCase, BertConfig Bert);

    /// <summary>Whether predictions run on ONNX Runtime (the fine-tuned graph) rather than TorchSharp.</summary>
    public bool PredictsWithOnnxRuntime => _graph != null;

    /// <summary>
    /// Writes the fine-tuned question answerer as a self-contained ONNX model: inputs <c>input_ids</c>,
    /// <c>attention_mask</c> and <c>token_type_ids</c> (int64 [batch, sequence]: <c>[CLS] question [SEP] context [SEP]</c>
    /// windows); outputs <c>start_logits</c> and <c>end_logits</c> (float [batch, sequence], −10000 at padding), the
    /// logits this transformer decodes into answer spans.
    /// </summary>
    /// <param name="stream">Receives the model; not closed.</param>
    public void ExportToOnnx(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(_graph ?? GraphFromTorch(null, null));
    }

    /// <summary>After <c>Fit</c>: writes the model as an ONNX graph (into <paramref name="source"/>, the encoder's source
    /// graph, when there is one) and predicts with it from now on.</summary>
    internal void UseOnnxRuntime(byte[] source, Action<string> log)
    {
        var graph = GraphFromTorch(source, log);
        var session = new OnnxTaskSession(graph, "of the fitted question answerer", [TaskGraph.StartLogits, TaskGraph.EndLogits], _tokenizer.PadId);
        lock (_gate)
        {
            _graph = graph;
            _onnx = session;
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private byte[] GraphFromTorch(byte[] source, Action<string> log)
    {
        lock (_gate)
            return FineTunedGraphs.SpanExtractor(_model, _model.Encoder, source, log);
    }

    /// <summary>The answers of a batch of questions.</summary>
    internal void Predict(ReadOnlySpan<(string Context, string Question)> inputs, Span<QaAnswer> results) => Predict(inputs, results, torch: false);

    /// <summary>The answers of a batch of questions, with ONNX Runtime when there is a graph, else (or with
    /// <paramref name="torch"/>) with TorchSharp.</summary>
    internal void Predict(ReadOnlySpan<(string Context, string Question)> inputs, Span<QaAnswer> results, bool torch)
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
            var session = _onnx;
            var (starts, ends, width) = session != null && !torch ? OnnxLogits(session, batch) : TorchLogits(batch);
            for (int b = 0; b < batch.Length; b++)
            {
                startLogits[from + b] = starts.AsSpan(b * width, width).ToArray();
                endLogits[from + b] = ends.AsSpan(b * width, width).ToArray();
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

    private static (float[] Starts, float[] Ends, int Width) OnnxLogits(OnnxTaskSession session, QaWindow[] batch)
    {
        var (outputs, width) = session.Run(batch.Select(w => w.Ids).ToArray(), batch.Select(w => w.TypeIds).ToArray());
        return (outputs[0], outputs[1], width);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private (float[] Starts, float[] Ends, int Width) TorchLogits(QaWindow[] batch)
    {
        var model = TorchModel();
        lock (model)
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            using var tokens = TokenBatch.Create(batch.Select(w => w.Ids).ToArray(), batch.Select(w => w.TypeIds).ToArray(), _tokenizer.PadId);
            var logits = model.forward(tokens.Ids, tokens.Mask, tokens.Types).contiguous();   // (B, T, 2)
            int width = (int)logits.shape[1];
            var starts = logits[.., .., 0].contiguous().data<float>().ToArray();
            var ends = logits[.., .., 1].contiguous().data<float>().ToArray();
            return (starts, ends, width);
        }
    }

    /// <summary>The TorchSharp model: the trained one, or one rebuilt from the graph (encoder imported, head read back).</summary>
    private BertSpanExtractor TorchModel()
    {
        lock (_gate)
        {
            if (_model != null)
                return _model;
            var encoder = BertCheckpoint.FromOnnx(BertOnnxEncoder.FromSaved("question-answerer", _graph, _vocabulary, _lowerCase, _config.MaxPositionEmbeddings));
            var (bert, config) = encoder.CreateModel();
            var model = new BertSpanExtractor(bert, config.HiddenSize);
            var graph = Onnx.OnnxModel.Parse(_graph);
            using (no_grad())
            {
                var w = Onnx.OnnxTensors.ToFloats(graph.Initializer("head.qa_outputs.weight"));   // [H, 2]
                model.Head.weight.copy_(tensor(w, [config.HiddenSize, 2]).t());
                model.Head.bias.copy_(tensor(Onnx.OnnxTensors.ToFloats(graph.Initializer("head.qa_outputs.bias"))));
            }
            model.eval();
            return _model = model;
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

    internal override int FormatVersion => 2;

    internal override void SaveModel(ModelWriter writer)
    {
        using var use = _guard.Enter();
        var settings = new Settings(ContextColumnName, QuestionColumnName, PredictedAnswerColumnName, ScoreColumnName, TopK, MaxSequenceLength,
            DocumentStride, MaxQueryLength, NBestSize, MaxAnswerLength, BatchSize, _lowerCase, _config);
        writer.WriteJson(SettingsEntry, settings);
        writer.WriteBlob(GraphEntry, w => w.Write(_graph ?? GraphFromTorch(null, null)));
        writer.WriteBlob(VocabularyEntry, w => w.Write(_vocabulary));
    }

    internal static ContextualQuestionAnswerTransformer LoadModel(ModelReader reader)
    {
        if (reader.FormatVersion == 1)
            return LoadFirstRelease(reader);
        var s = reader.ReadJson<Settings>(SettingsEntry);
        if (s.Bert == null)
            throw new InvalidDataException($"'{SettingsEntry}' of {reader.Component} has no BERT configuration; the zip is corrupt.");
        byte[] graph = reader.ReadBlobBytes(GraphEntry);
        byte[] vocabulary = reader.ReadBlobBytes(VocabularyEntry);
        var tokenizer = TaskModelFiles.Tokenizer(vocabulary, s.LowerCase, VocabularyEntry, reader.Component);
        var transformer = new ContextualQuestionAnswerTransformer(s.Context, s.Question, s.Answer, s.Score, s.TopK, s.MaxSequenceLength,
            s.DocumentStride, s.MaxQueryLength, s.NBestSize, s.MaxAnswerLength, s.BatchSize, s.Bert, vocabulary, s.LowerCase, tokenizer, model: null);
        transformer._graph = graph;
        transformer._onnx = new OnnxTaskSession(graph, $"'{GraphEntry}' of {reader.Component}", [TaskGraph.StartLogits, TaskGraph.EndLogits], tokenizer.PadId);
        return transformer;
    }

    // First release: settings in a hand-ordered binary layout, a BERT config, its vocabulary and the whole state dict (TorchSharp).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static ContextualQuestionAnswerTransformer LoadFirstRelease(ModelReader reader)
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

    /// <summary>Releases the ONNX Runtime session and the TorchSharp weights (after rows being answered on other
    /// threads are done).</summary>
    public void Dispose() => _guard.Dispose(() =>
    {
        _onnx?.Dispose();
        DisposeTorch();
    });

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void DisposeTorch() => _model?.Dispose();

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

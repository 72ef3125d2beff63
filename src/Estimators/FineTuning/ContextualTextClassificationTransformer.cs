using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetContextual.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>
/// A fine-tuned BERT-family text classifier (see <see cref="ContextualTextClassificationTrainer"/>): appends
/// <c>Score</c> and <c>PredictedLabel</c> (binary: also <c>Probability</c>). Rows are scored in batches when a whole
/// IDataView is transformed.
/// </summary>
/// <remarks>
/// A classifier over a BERT encoder (<see cref="BertCheckpoint"/>: the embedded MiniLM, an ONNX export, a Hugging Face
/// folder, an untrained shape) predicts on ONNX Runtime: at the end of <c>Fit</c> the fine-tuned weights are written into
/// the ONNX graph the encoder was imported from (or into a BERT graph written from its configuration) and the head is
/// appended as ONNX nodes. The zip then holds that graph and the vocabulary; loading it and predicting never load
/// libtorch, and <see cref="ExportToOnnx"/> writes the same graph. Other encoders (ELMo, USE, ...) predict with TorchSharp.
/// Zips of earlier releases (format versions 1 and 2) load and predict with TorchSharp as before.
/// </remarks>
public sealed class ContextualTextClassificationTransformer : ContextualTransformerBase, IDisposable
{
    internal const string ComponentId = "text-classification";
    private const string Prefix = "TextClassifier";          // first release's entries
    private const string SettingsEntry = "Transformer.json", HeadEntry = "Head.classifier.bin", MixEntry = "Head.scalar_mix.bin";
    private const string GraphEntry = "Classifier.onnx", VocabularyEntry = "Classifier.vocab.txt";
    internal const string OnnxRuntimeName = "onnx", TorchRuntimeName = "torch";

    private SequenceClassifier _model;                     // TorchSharp: the trained model; null for a graph loaded from a zip until asked for
    private readonly ITextTokenizer _tokenizer;
    private readonly TrainableTokenEncoder _description;   // the encoder as trained from (name, vocabulary, kind); null for a loaded graph
    private readonly string[] _classNames;
    private readonly object _gate = new();
    private readonly bool _meanPooling;
    private TrainableTokenEncoder _encoder;
    private readonly UseGuard _guard = new(nameof(ContextualTextClassificationTransformer));
    private byte[] _graph;                                 // the ONNX graph predictions run on; null: TorchSharp predicts
    private OnnxTaskSession _onnx;
    private GraphEncoder _graphEncoder;                    // what the graph's encoder was (for Encoder, LayerMix)
    private readonly int _padId;

    /// <summary>The encoder part of a classifier saved as a graph: enough to rebuild a TorchSharp encoder from it.</summary>
    private sealed record GraphEncoder(string Name, bool LowerCase, int MaxPositions, byte[] Vocabulary, float[] MixWeights, float MixGamma);

    internal ContextualTextClassificationTransformer(bool binary, ContextualTextClassificationOptions o, string[] classNames,
        int classes, TrainableTokenEncoder description, ITextTokenizer tokenizer, SequenceClassifier model)
        : this(new Settings(binary, o.Sentence1ColumnName, o.Sentence2ColumnName, o.ScoreColumnName, o.PredictedLabelColumnName,
            binary ? o.ProbabilityColumnName : null, o.MaxTokens, o.BatchSize, classes, classNames, o.FreezeEncoder, o.LearnScalarMix, o.MeanPooling),
            description, tokenizer, model)
    {
    }

    private ContextualTextClassificationTransformer(Settings s, TrainableTokenEncoder description, ITextTokenizer tokenizer, SequenceClassifier model)
        : this(s, tokenizer)
    {
        _description = description;
        _model = model;
        _model.eval();
    }

    private ContextualTextClassificationTransformer(Settings s, ITextTokenizer tokenizer)
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
        _tokenizer = tokenizer;
        _padId = tokenizer.PadId;
    }

    /// <summary>The saved settings. Format 3 adds <paramref name="Runtime"/> ("onnx": the zip holds the graph; "torch":
    /// the encoder and head as in format 2) and, for graphs, the encoder's name, casing, positions and learned mix.</summary>
    private sealed record Settings(bool Binary, string Sentence1, string Sentence2, string Score, string PredictedLabel, string Probability,
        int MaxTokens, int BatchSize, int Classes, string[] ClassNames, bool FreezeEncoder, bool LearnScalarMix, bool MeanPooling,
        string Runtime = null, string EncoderName = null, bool LowerCase = true, int MaxPositions = 0, float[] MixWeights = null, float MixGamma = 1);

    /// <summary>Whether predictions run on ONNX Runtime (the fine-tuned graph) rather than TorchSharp.</summary>
    public bool PredictsWithOnnxRuntime => _graph != null;

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
            if (_graphEncoder != null)
                return _graphEncoder.MixWeights == null ? null : LayerSelection.All(_graphEncoder.MixWeights, _graphEncoder.MixGamma);
            if (_model.Mix == null)
                return null;
            var (w, gamma) = _model.Mix.Values();
            return LayerSelection.All(w, gamma);
        }
    }

    /// <summary>The fine-tuned encoder (a copy of its weights), to be applied by any transform, e.g.
    /// <c>ApplyContextualEmbedding(..., new ContextualEmbeddingOptions { Encoder = model.Encoder, Layers = model.LayerMix ?? LayerSelection.Last })</c>,
    /// or fine-tuned further. For a classifier loaded from a graph, its weights are imported from that graph (TorchSharp
    /// is loaded then, not before).</summary>
    public TrainableTokenEncoder Encoder
    {
        get
        {
            using var use = _guard.Enter();
            lock (_gate)
                return _encoder ??= _model != null ? _description.WithWeights(_model.Encoder) : EncoderFromGraph();
        }
    }

    private BertCheckpoint EncoderFromGraph()
    {
        var e = _graphEncoder;
        return BertCheckpoint.FromOnnx(BertOnnxEncoder.FromSaved(e.Name, _graph, e.Vocabulary, e.LowerCase, e.MaxPositions));
    }

    /// <summary>
    /// Writes the fine-tuned classifier as a self-contained ONNX model: inputs <c>input_ids</c>, <c>attention_mask</c> and
    /// <c>token_type_ids</c> (int64 [batch, sequence], as <c>TokenizeForTransformer</c> or any BERT tokenizer with this
    /// model's vocabulary gives them); output <c>scores</c> (float [batch, outputs]): the binary classifier's logit
    /// (<c>Score</c>; <c>Probability</c> is its sigmoid) or the multiclass probabilities (<c>Score</c>), as this transformer
    /// outputs them. Any ONNX Runtime, in any language, gives the same scores.
    /// </summary>
    /// <param name="stream">Receives the model; not closed.</param>
    /// <exception cref="NotSupportedException">The encoder is not a BERT encoder (ELMo, USE, ...), which cannot be written as ONNX.</exception>
    public void ExportToOnnx(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var use = _guard.Enter();
        var graph = _graph ?? GraphFromTorch(log: null)
            ?? throw new NotSupportedException(
                $"Encoder '{_description.Name}' ({_description.Kind}) is not a BERT encoder; only BERT-family classifiers can be exported to ONNX.");
        stream.Write(graph);
    }

    /// <summary>After <c>Fit</c>: writes the fine-tuned model as an ONNX graph and predicts with it from now on (the
    /// trained TorchSharp model is kept for <see cref="Encoder"/>). Stays on TorchSharp when the encoder is not BERT.</summary>
    internal void UseOnnxRuntime(Action<string> log)
    {
        var graph = GraphFromTorch(log);
        if (graph == null)
            return;
        var session = new OnnxTaskSession(graph, "of the fitted classifier", [TaskGraph.Scores], _padId);
        lock (_gate)
        {
            _graph = graph;
            _onnx = session;
        }
    }

    /// <summary>Re-opens the ONNX Runtime session with <paramref name="threads"/> intra-op threads (benchmarks).</summary>
    internal void SetOnnxThreads(int? threads)
    {
        if (_graph == null)
            throw new InvalidOperationException("This classifier predicts with TorchSharp; it has no ONNX graph.");
        var session = new OnnxTaskSession(_graph, "of the classifier", [TaskGraph.Scores], _padId, threads);
        OnnxTaskSession old;
        lock (_gate)
            (old, _onnx) = (_onnx, session);
        old?.Dispose();
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private byte[] GraphFromTorch(Action<string> log)
    {
        lock (_gate)
            return FineTunedGraphs.Classifier(_model, _description, IsBinary, _meanPooling, log);
    }

    internal EncodedText Encode(string first, string second) => _tokenizer.Encode(first, second, MaxTokens);

    /// <summary>Scores a batch: multiclass rows get class probabilities, binary rows their one logit.</summary>
    internal void Predict(ReadOnlySpan<(string First, string Second)> inputs, Span<float[]> outputs) => Predict(inputs, outputs, torch: false);

    /// <summary>Scores a batch with ONNX Runtime when the classifier has a graph, else (or with <paramref name="torch"/>)
    /// with TorchSharp: the trained model, or for a loaded graph the model rebuilt from it.</summary>
    internal void Predict(ReadOnlySpan<(string First, string Second)> inputs, Span<float[]> outputs, bool torch)
    {
        using var use = _guard.Enter();
        var encodings = new EncodedText[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
            encodings[i] = Encode(inputs[i].First, inputs[i].Second);
        var session = _onnx;
        float[] flat = session != null && !torch ? session.Run(encodings).Outputs[0] : TorchScores(encodings);
        int width = IsBinary ? 1 : ClassCount;
        for (int i = 0; i < inputs.Length; i++)
            outputs[i] = flat.AsSpan(i * width, width).ToArray();
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private float[] TorchScores(EncodedText[] encodings)
    {
        var model = TorchModel();
        lock (model)
        {
            using var scope = NewDisposeScope();
            using var grad = no_grad();
            var logits = model.forward(encodings);
            if (!IsBinary)
                logits = logits.softmax(-1);
            return logits.contiguous().data<float>().ToArray();
        }
    }

    /// <summary>The TorchSharp model: the trained one, or one rebuilt from the graph (encoder imported, head read back).</summary>
    private SequenceClassifier TorchModel()
    {
        lock (_gate)
        {
            if (_model != null)
                return _model;
            var encoder = Encoder.CreateModule();
            var model = new SequenceClassifier(encoder, IsBinary ? 1 : ClassCount, 0.1, LearnScalarMix, FreezeEncoder, _meanPooling);
            var head = Onnx.OnnxModel.Parse(_graph);
            using (no_grad())
            {
                model.Head.weight.copy_(tensor(Onnx.OnnxTensors.ToFloats(head.Initializer("head.classifier.weight")), model.Head.weight.shape));
                model.Head.bias.copy_(tensor(Onnx.OnnxTensors.ToFloats(head.Initializer("head.classifier.bias")), model.Head.bias.shape));
            }
            if (model.Mix != null)
            {
                var mix = model.Mix.state_dict();
                using (no_grad())
                {
                    mix["scalar_parameters"].copy_(tensor(_graphEncoder.MixWeights));
                    mix["gamma"].copy_(tensor(new[] { _graphEncoder.MixGamma }));
                }
            }
            model.eval();
            return _model = model;
        }
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

    internal override int FormatVersion => 3;

    internal override ColumnMapper CreateMapper(DataViewSchema inputSchema) => new Mapper(this, inputSchema);

    internal override void SaveModel(ModelWriter writer)
    {
        using var use = _guard.Enter();
        var settings = new Settings(IsBinary, Sentence1ColumnName, Sentence2ColumnName, ScoreColumnName, PredictedLabelColumnName,
            ProbabilityColumnName, MaxTokens, BatchSize, ClassCount, _classNames, FreezeEncoder, LearnScalarMix, _meanPooling);
        if (_graph != null)
        {
            // The graph alone predicts; the vocabulary and the encoder's description rebuild the tokenizer and Encoder.
            var e = _graphEncoder ?? DescribeGraphEncoder();
            writer.WriteJson(SettingsEntry, settings with
            {
                Runtime = OnnxRuntimeName, EncoderName = e.Name, LowerCase = e.LowerCase, MaxPositions = e.MaxPositions,
                MixWeights = e.MixWeights, MixGamma = e.MixGamma,
            });
            writer.WriteBlob(GraphEntry, w => w.Write(_graph));
            writer.WriteBlob(VocabularyEntry, w => w.Write(e.Vocabulary));
            return;
        }
        writer.WriteJson(SettingsEntry, settings with { Runtime = TorchRuntimeName });
        SaveTorch(writer);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private GraphEncoder DescribeGraphEncoder()
    {
        var bert = (BertCheckpoint)_description;
        float[] w = null;
        float gamma = 1;
        if (_model.Mix != null)
            (w, gamma) = _model.Mix.Values();
        return new GraphEncoder(bert.Name, bert.LowerCase, bert.MaxPositions, bert.ReadVocabulary(), w, gamma);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void SaveTorch(ModelWriter writer)
    {
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
        if (reader.FormatVersion >= 3 && s.Runtime == OnnxRuntimeName)
            return LoadGraph(reader, s);
        if (reader.FormatVersion >= 3 && s.Runtime != TorchRuntimeName)
            throw new InvalidDataException($"'{SettingsEntry}' of {reader.Component} names runtime '{s.Runtime}'; expected '{OnnxRuntimeName}' or '{TorchRuntimeName}'.");
        return LoadTorch(reader, s);
    }

    /// <summary>Format 3 with a graph: ONNX Runtime only, no TorchSharp type is touched.</summary>
    private static ContextualTextClassificationTransformer LoadGraph(ModelReader reader, Settings s)
    {
        if (string.IsNullOrEmpty(s.EncoderName) || s.MaxPositions < 3 || s.Classes < 2)
            throw new InvalidDataException(
                $"'{SettingsEntry}' of {reader.Component} describes no encoder (name '{s.EncoderName}', {s.MaxPositions} positions, {s.Classes} classes); the zip is corrupt.");
        byte[] graph = reader.ReadBlobBytes(GraphEntry);
        byte[] vocabulary = reader.ReadBlobBytes(VocabularyEntry);
        var tokenizer = TaskModelFiles.Tokenizer(vocabulary, s.LowerCase, VocabularyEntry, reader.Component);
        var transformer = new ContextualTextClassificationTransformer(s, new BertTokenization(tokenizer));
        transformer._graph = graph;
        transformer._graphEncoder = new GraphEncoder(s.EncoderName, s.LowerCase, s.MaxPositions, vocabulary, s.MixWeights, s.MixGamma);
        transformer._onnx = new OnnxTaskSession(graph, $"'{GraphEntry}' of {reader.Component}", [TaskGraph.Scores], tokenizer.PadId);
        return transformer;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static ContextualTextClassificationTransformer LoadTorch(ModelReader reader, Settings s)
    {
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

    /// <summary>Releases the ONNX Runtime session and the TorchSharp weights (after rows being scored on other threads are done).</summary>
    public void Dispose() => _guard.Dispose(() =>
    {
        _onnx?.Dispose();
        DisposeTorch();
    });

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void DisposeTorch()
    {
        if (_model != null)
            _model.Dispose();
    }

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

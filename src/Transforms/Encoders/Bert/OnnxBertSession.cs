using Microsoft.ML.OnnxRuntime;

namespace MLNetContextual;

/// <summary>
/// A <see cref="BertOnnxEncoder"/> loaded into an ONNX Runtime session of its own (thread-safe runs): WordPiece in,
/// hidden states out, batched by length so that little is padded. Dispose to release the native session.
/// </summary>
internal sealed class OnnxBertSession : ITokenEncoder
{
    private const string InputIds = "input_ids", AttentionMask = "attention_mask", TokenTypeIds = "token_type_ids";

    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _layerOutputs;   // graph outputs holding hidden states 0..LayerCount-1
    private readonly bool _hasTokenTypes;
    private readonly int _batchSize;
    private readonly BertTextTokenizer _tokenizer;
    private readonly BertTokenization _text;

    public OnnxBertSession(BertOnnxEncoder encoder, EncoderOptions options)
    {
        options.Validate(encoder);
        MaxTokens = options.MaxTokens;
        _batchSize = options.BatchSize;
        _tokenizer = encoder.IsEmbedded ? BertTextTokenizer.MiniLM : LoadTokenizer(encoder);
        _text = new BertTokenization(_tokenizer);
        byte[] model = encoder.Model.ReadAll();
        Encoder = encoder.Snapshot(model);   // saving must not depend on the file still being there
        // Hidden states of every layer, when the graph names them; added to the outputs only when a layer other than the
        // last is asked for, so the default graph stays as ONNX Runtime optimises it best.
        string[] hiddenNames = null;
        try
        {
            hiddenNames = OnnxHiddenStates.FindNames(model);
        }
        catch (Exception e) when (e is InvalidDataException or OverflowException)
        {
            // Not parseable as a model here: ONNX Runtime gives the precise error below.
        }
        bool allLayers = hiddenNames != null && !ReferenceEquals(options.Layers, LayerSelection.Last);
        if (allLayers)
            model = OnnxHiddenStates.WithOutputs(model, hiddenNames);
        using (var sessionOptions = CreateSessionOptions(options))
        {
            try
            {
                _session = new InferenceSession(model, sessionOptions);
            }
            catch (OnnxRuntimeException e) when (options.GpuDeviceId is int device)
            {
                if (!options.FallbackToCpu)
                    throw new InvalidOperationException(
                        $"GPU {device} cannot run encoder '{encoder.Name}' ({e.Message}). Check the CUDA and cuDNN libraries and the device id, or set FallbackToCpu.", e);
                var cpu = options.CopyRuntime();
                cpu.GpuDeviceId = null;
                using var cpuOptions = CreateSessionOptions(cpu);
                _session = new InferenceSession(model, cpuOptions);
            }
            catch (OnnxRuntimeException e)
            {
                throw new InvalidDataException($"ONNX model '{encoder.Model}' of encoder '{encoder.Name}' could not be loaded ({model.Length:N0} bytes): it is truncated, corrupt or not an ONNX model. {e.Message}", e);
            }
        }
        try
        {
            var inputs = _session.InputMetadata;
            foreach (var name in new[] { InputIds, AttentionMask })
                if (!inputs.ContainsKey(name))
                    throw new InvalidDataException(
                        $"ONNX model '{encoder.Model}' has no input '{name}'; a BERT-family encoder needs input_ids and attention_mask (found: {string.Join(", ", inputs.Keys)}).");
            _hasTokenTypes = inputs.ContainsKey(TokenTypeIds);
            _inputNames = _hasTokenTypes ? [InputIds, AttentionMask, TokenTypeIds] : [InputIds, AttentionMask];
            foreach (var name in _inputNames)
                if (inputs[name].ElementType != typeof(long))
                    throw new InvalidDataException($"ONNX input '{name}' of '{encoder.Model}' is {inputs[name].ElementType.Name}; expected Int64.");

            var outputs = _session.OutputMetadata;
            string last = outputs.ContainsKey("last_hidden_state") ? "last_hidden_state"
                : outputs.FirstOrDefault(o => o.Value.Dimensions.Length == 3 && o.Value.ElementType == typeof(float)).Key
                ?? throw new InvalidDataException(
                    $"ONNX model '{encoder.Model}' has no 'last_hidden_state' output (float [batch, sequence, hidden]); found: {string.Join(", ", outputs.Keys)}.");
            _layerOutputs = allLayers ? hiddenNames : [last];
            LayerCount = hiddenNames?.Length ?? 1;

            // Probe once, here, not deep inside a batch: the hidden size, and that the vocabulary fits the embedding table.
            try
            {
                Dimension = Probe([_tokenizer.ClsId, _tokenizer.VocabularySize - 1, _tokenizer.SepId]);
            }
            catch (OnnxRuntimeException e)
            {
                throw new InvalidDataException(
                    $"The vocabulary ({_tokenizer.VocabularySize} tokens) does not match the model's embedding table ('{encoder.Model}'): id {_tokenizer.VocabularySize - 1} failed. Use the vocab.txt exported with the model. {e.Message}", e);
            }
            // A config.json that overstates max_position_embeddings fails here, with its name, instead of at prediction time.
            if (MaxTokens > 3)
                try
                {
                    Probe(Enumerable.Repeat(_tokenizer.UnkId, MaxTokens).ToArray());
                }
                catch (OnnxRuntimeException e)
                {
                    throw new InvalidDataException(
                        $"Encoder '{encoder.Name}' fails on {MaxTokens} tokens (MaxTokens); its MaxPositions ({encoder.MaxPositions}, from config.json or the caller) overstates what the model accepts. Lower MaxTokens or pass maxPositions. {e.Message}", e);
                }
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    public ContextualEncoder Encoder { get; }
    public int Dimension { get; }
    public int LayerCount { get; }
    public int MaxTokens { get; }
    public int SpecialTokenCount => 2;
    internal BertTextTokenizer Tokenizer => _tokenizer;

    private static BertTextTokenizer LoadTokenizer(BertOnnxEncoder encoder)
    {
        using var vocab = encoder.Vocabulary.Open();
        try
        {
            return BertTextTokenizer.Load(vocab, encoder.LowerCase);
        }
        catch (Exception e) when (e is not IOException)
        {
            throw new InvalidDataException($"Vocabulary '{encoder.Vocabulary}' of encoder '{encoder.Name}' is not a WordPiece vocab.txt: {e.Message}", e);
        }
    }

    public EncodedText Encode(string text, string secondText = null) => _text.Encode(text, secondText, MaxTokens);

    public IReadOnlyList<EncoderToken> Split(string text) => _text.Split(text);

    public EncodedText Assemble(IReadOnlyList<EncoderToken> tokens, int start, int count)
    {
        TokenFit.Check(count, MaxTokens, 2, "[CLS] and [SEP]");
        return _text.Assemble(tokens, start, count);
    }

    public void Run(IReadOnlyList<EncodedText> texts, IReadOnlyList<int> layers, Action<int, TokenStates> use)
    {
        var outputNames = new string[layers.Count];
        for (int i = 0; i < layers.Count; i++)
        {
            if ((uint)layers[i] >= (uint)LayerCount)
                throw new ArgumentOutOfRangeException(nameof(layers), $"Layer {layers[i]} is out of range: encoder '{Encoder.Name}' has {LayerCount}.");
            outputNames[i] = OutputName(layers[i]);
        }

        // Rows sorted by length and cut into batches, so each run pads to rows of similar length.
        var order = new int[texts.Count];
        var lengths = new int[texts.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
            lengths[i] = texts[i].Length;
        }
        Array.Sort(lengths, order);
        for (int start = 0; start < order.Length; start += _batchSize)
        {
            int n = Math.Min(_batchSize, order.Length - start);
            var batch = new EncodedBatch(n, lengths[start + n - 1]);
            for (int k = 0; k < n; k++)
                batch.Set(k, texts[order[start + k]]);
            using var outputs = RunBatch(batch, outputNames);
            var states = new OnnxTokenStates(outputs, batch.Width);
            for (int k = 0; k < n; k++)
            {
                states.MoveTo(k, texts[order[start + k]].Length);
                use(order[start + k], states);
            }
        }
    }

    /// <summary>The graph value that holds hidden state <paramref name="layer"/> (0-based; in range) in this session.</summary>
    internal string OutputName(int layer) => _layerOutputs.Length == LayerCount ? _layerOutputs[layer]
        : layer == LayerCount - 1 ? _layerOutputs[^1]
        : throw new ArgumentOutOfRangeException(nameof(layer),
            $"Layer {layer} of encoder '{Encoder.Name}' was not opened: set EncoderOptions.Layers to include it.");

    private int Probe(int[] ids)
    {
        var batch = new EncodedBatch(1, ids.Length);
        batch.Set(0, ids, new int[ids.Length]);
        using var outputs = RunBatch(batch, [_layerOutputs[^1]]);
        return (int)outputs[0].GetTensorTypeAndShape().Shape[2];
    }

    private IDisposableReadOnlyCollection<OrtValue> RunBatch(EncodedBatch batch, string[] outputNames)
    {
        long[] shape = [batch.Rows, batch.Width];
        using var ids = OrtValue.CreateTensorValueFromMemory(batch.InputIds, shape);
        using var mask = OrtValue.CreateTensorValueFromMemory(batch.AttentionMask, shape);
        using var types = OrtValue.CreateTensorValueFromMemory(batch.TokenTypeIds, shape);
        OrtValue[] values = _hasTokenTypes ? [ids, mask, types] : [ids, mask];
        using var runOptions = new RunOptions();
        return _session.Run(runOptions, _inputNames, values, outputNames);
    }

    private static SessionOptions CreateSessionOptions(EncoderOptions runtime)
    {
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        try
        {
            if (!runtime.AllowSpinning)
                options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            if (runtime.IntraOpThreads is int threads)
                options.IntraOpNumThreads = threads;
            if (runtime.GpuDeviceId is int device)
            {
                try
                {
                    options.AppendExecutionProvider_CUDA(device);
                }
                catch (Exception e) when (runtime.FallbackToCpu && e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
                {
                    // Falls back to the CPU provider, as ML.NET's OnnxTransformer does with FallbackToCpu.
                }
                catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
                {
                    throw new InvalidOperationException(
                        $"GPU {device} cannot be used ({e.Message}). Reference Microsoft.ML.OnnxRuntime.Gpu, or set FallbackToCpu.", e);
                }
            }
            return options;
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }

    public void Dispose() => _session.Dispose();

    /// <summary>One row's view of a batch's outputs: each requested layer is a [rows, width, dimension] tensor.</summary>
    private sealed class OnnxTokenStates : TokenStates
    {
        private readonly IDisposableReadOnlyCollection<OrtValue> _outputs;
        private readonly int _width, _dimension;
        private int _row, _tokens;

        public OnnxTokenStates(IDisposableReadOnlyCollection<OrtValue> outputs, int width)
        {
            _outputs = outputs;
            _width = width;
            _dimension = (int)outputs[0].GetTensorTypeAndShape().Shape[2];
        }

        public void MoveTo(int row, int tokens) => (_row, _tokens) = (row, tokens);

        public override int LayerCount => _outputs.Count;
        public override int TokenCount => _tokens;
        public override int Dimension => _dimension;
        public override ReadOnlySpan<float> Layer(int layer) =>
            _outputs[layer].GetTensorDataAsSpan<float>().Slice(_row * _width * _dimension, _tokens * _dimension);
    }
}

/// <summary>Token ids of a batch, padded to its longest row (padding: <c>padId</c>, mask 0, segment 0).</summary>
internal sealed class EncodedBatch
{
    public EncodedBatch(int rows, int width, long padId = 0)
    {
        Rows = rows;
        Width = width;
        InputIds = new long[rows * width];
        AttentionMask = new long[rows * width];
        TokenTypeIds = new long[rows * width];
        if (padId != 0)
            Array.Fill(InputIds, padId);
    }

    /// <summary>Rows of ids and segment ids, padded to the longest row.</summary>
    public static EncodedBatch Of(IReadOnlyList<int[]> ids, IReadOnlyList<int[]> typeIds, long padId)
    {
        int width = 1;
        foreach (var row in ids)
            width = Math.Max(width, row.Length);
        var batch = new EncodedBatch(ids.Count, width, padId);
        for (int r = 0; r < ids.Count; r++)
            batch.Set(r, ids[r], typeIds[r]);
        return batch;
    }

    public int Rows { get; }
    public int Width { get; }
    public long[] InputIds { get; }
    public long[] AttentionMask { get; }
    public long[] TokenTypeIds { get; }

    public void Set(int row, EncodedText text) => Set(row, text.Ids, text.TypeIds);

    public void Set(int row, ReadOnlySpan<int> ids, ReadOnlySpan<int> typeIds)
    {
        int at = row * Width;
        for (int i = 0; i < ids.Length; i++)
        {
            InputIds[at + i] = ids[i];
            TokenTypeIds[at + i] = typeIds[i];
            AttentionMask[at + i] = 1;
        }
    }
}

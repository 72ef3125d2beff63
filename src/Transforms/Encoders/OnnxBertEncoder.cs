using Microsoft.ML.OnnxRuntime;

namespace MLNetContextual;

/// <summary>
/// A BERT-family encoder on an ONNX Runtime session of our own: one session per transformer (thread-safe runs),
/// batches of token ids in, the last hidden states out. Dispose to release the native session.
/// </summary>
internal sealed class OnnxBertEncoder : IDisposable
{
    private const string InputIds = "input_ids", AttentionMask = "attention_mask", TokenTypeIds = "token_type_ids";

    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string _outputName;
    private readonly bool _hasTokenTypes;

    public OnnxBertEncoder(ContextualEncoder encoder, BertTextTokenizer tokenizer, EncoderOptions runtime)
    {
        Encoder = encoder;
        Tokenizer = tokenizer;
        byte[] model = encoder.Model.ReadAll();
        using (var options = CreateSessionOptions(runtime))
        {
            try
            {
                _session = new InferenceSession(model, options);
            }
            catch (OnnxRuntimeException e)
            {
                throw new InvalidDataException($"ONNX model '{encoder.Model}' could not be loaded ({model.Length} bytes): it is truncated, corrupt or not an ONNX model. {e.Message}", e);
            }
        }

        var inputs = _session.InputMetadata;
        foreach (var name in new[] { InputIds, AttentionMask })
            if (!inputs.ContainsKey(name))
                throw new InvalidDataException(
                    $"ONNX model '{encoder.Model}' has no input '{name}'; a BERT-family encoder needs input_ids and attention_mask (found: {string.Join(", ", inputs.Keys)}).");
        _hasTokenTypes = inputs.ContainsKey(TokenTypeIds);
        _inputNames = _hasTokenTypes ? [InputIds, AttentionMask, TokenTypeIds] : [InputIds, AttentionMask];
        foreach (var name in _inputNames)
            if (inputs[name].ElementType != typeof(long))
                throw new InvalidDataException($"ONNX input '{name}' is {inputs[name].ElementType.Name}; expected Int64.");

        var outputs = _session.OutputMetadata;
        _outputName = outputs.ContainsKey("last_hidden_state") ? "last_hidden_state"
            : outputs.FirstOrDefault(o => o.Value.Dimensions.Length == 3 && o.Value.ElementType == typeof(float)).Key
            ?? throw new InvalidDataException(
                $"ONNX model '{encoder.Model}' has no 'last_hidden_state' output (float [batch, sequence, hidden]); found: {string.Join(", ", outputs.Keys)}.");
        Dimension = outputs[_outputName].Dimensions[2];
        if (Dimension <= 0)
            Dimension = Probe([tokenizer.ClsId, tokenizer.SepId]);

        // The vocabulary must fit the embedding table: look up its last id once, here, not deep inside a batch.
        try
        {
            Probe([tokenizer.ClsId, tokenizer.VocabularySize - 1, tokenizer.SepId]);
        }
        catch (OnnxRuntimeException e)
        {
            _session.Dispose();
            throw new InvalidDataException(
                $"The vocabulary ({tokenizer.VocabularySize} tokens) does not match the model's embedding table: id {tokenizer.VocabularySize - 1} failed. Use the vocab.txt exported with the model. {e.Message}", e);
        }
    }

    public ContextualEncoder Encoder { get; }
    public BertTextTokenizer Tokenizer { get; }

    /// <summary>Hidden size: the length of each token vector.</summary>
    public int Dimension { get; }

    private int Probe(int[] ids)
    {
        var batch = new EncodedBatch(1, ids.Length);
        batch.Set(0, ids, new int[ids.Length]);
        using var hidden = Run(batch);
        return hidden.Dimension;
    }

    /// <summary>Runs the encoder on a padded batch; the caller disposes the returned hidden states.</summary>
    public HiddenStates Run(EncodedBatch batch)
    {
        long[] shape = [batch.Rows, batch.Width];
        using var ids = OrtValue.CreateTensorValueFromMemory(batch.InputIds, shape);
        using var mask = OrtValue.CreateTensorValueFromMemory(batch.AttentionMask, shape);
        using var types = OrtValue.CreateTensorValueFromMemory(batch.TokenTypeIds, shape);
        OrtValue[] values = _hasTokenTypes ? [ids, mask, types] : [ids, mask];
        using var runOptions = new RunOptions();
        var outputs = _session.Run(runOptions, _inputNames, values, [_outputName]);
        return new HiddenStates(outputs);
    }

    private static SessionOptions CreateSessionOptions(EncoderOptions runtime)
    {
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (!runtime.AllowSpinning)
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        if (runtime.IntraOpThreads is int threads)
        {
            if (threads < 1)
                throw new ArgumentOutOfRangeException(nameof(runtime), $"IntraOpThreads is {threads}; it must be at least 1.");
            options.IntraOpNumThreads = threads;
        }
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
                options.Dispose();
                throw new InvalidOperationException(
                    $"GPU {device} cannot be used ({e.Message}). Reference Microsoft.ML.OnnxRuntime.Gpu, or set FallbackToCpu.", e);
            }
        }
        return options;
    }

    public void Dispose() => _session.Dispose();
}

/// <summary>Token ids of a batch, padded to its longest row.</summary>
internal sealed class EncodedBatch
{
    public EncodedBatch(int rows, int width)
    {
        Rows = rows;
        Width = width;
        InputIds = new long[rows * width];
        AttentionMask = new long[rows * width];
        TokenTypeIds = new long[rows * width];
    }

    public int Rows { get; }
    public int Width { get; }
    public long[] InputIds { get; }
    public long[] AttentionMask { get; }
    public long[] TokenTypeIds { get; }

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

/// <summary>The encoder's output [rows, width, dimension]; owns the native buffer until disposed.</summary>
internal sealed class HiddenStates : IDisposable
{
    private readonly IDisposableReadOnlyCollection<OrtValue> _outputs;

    public HiddenStates(IDisposableReadOnlyCollection<OrtValue> outputs)
    {
        _outputs = outputs;
        var shape = outputs[0].GetTensorTypeAndShape().Shape;
        Rows = (int)shape[0];
        Width = (int)shape[1];
        Dimension = (int)shape[2];
    }

    public int Rows { get; }
    public int Width { get; }
    public int Dimension { get; }

    /// <summary>The vector of token <paramref name="token"/> of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<float> Token(int row, int token) =>
        _outputs[0].GetTensorDataAsSpan<float>().Slice((row * Width + token) * Dimension, Dimension);

    /// <summary>All token vectors of row <paramref name="row"/>, [width × dimension].</summary>
    public ReadOnlySpan<float> Row(int row) =>
        _outputs[0].GetTensorDataAsSpan<float>().Slice(row * Width * Dimension, Width * Dimension);

    public void Dispose() => _outputs.Dispose();
}

using Microsoft.ML.OnnxRuntime;

namespace MLNetContextual.Bench.Embedding;

/// <summary>
/// Reference (b): a hand-written ONNX Runtime loop with no ML.NET: tokenize a batch with the library's tokenizer, pad to
/// the batch's longest row, run, mean-pool <c>last_hidden_state</c> over the attention mask. Buffers are reused.
/// Two knobs exist only to measure ideas for the library (off in reference (b)): <c>sortWindow</c> rows are read ahead
/// and batched by token count (results still land in input order), and ONNX Runtime's spin-waiting can be turned off.
/// </summary>
internal sealed class PlainOrtEmbedder : IDisposable
{
    private static readonly string[] s_inputs = ["input_ids", "attention_mask", "token_type_ids"];
    private static readonly string[] s_outputs = ["last_hidden_state"];

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly BertTextTokenizer _tokenizer;
    private readonly int _batchSize, _maxTokens, _window;
    private readonly bool _sort;
    private readonly long[] _ids, _mask, _types;
    private readonly BertEncoding[] _encodings;
    private readonly int[] _order;

    public PlainOrtEmbedder(byte[] model, int batchSize, int maxTokens, int intraOpThreads, int sortWindow = 0, bool allowSpinning = true,
        GraphOptimizationLevel optimization = GraphOptimizationLevel.ORT_ENABLE_ALL, string profilePrefix = null)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = optimization, IntraOpNumThreads = intraOpThreads };
        if (profilePrefix != null)
        {
            options.EnableProfiling = true;
            options.ProfileOutputPathPrefix = profilePrefix;
        }
        if (!allowSpinning)
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        _session = new InferenceSession(model, options);
        _tokenizer = BertTextTokenizer.MiniLM;
        _batchSize = batchSize;
        _maxTokens = maxTokens;
        _sort = sortWindow > batchSize;
        _window = _sort ? sortWindow : batchSize;
        _ids = new long[batchSize * maxTokens];
        _mask = new long[batchSize * maxTokens];
        _types = new long[batchSize * maxTokens];
        _encodings = new BertEncoding[_window];
        _order = new int[_window];
    }

    public const int Dimension = 384;

    /// <summary>Real tokens ÷ tokens sent to the model (padding included) for these texts in batches as this loop makes them.</summary>
    public double PaddingEfficiency(IReadOnlyList<string> texts) => PaddingEfficiency(texts, _batchSize, _window, _sort, _maxTokens);

    /// <summary>Real tokens ÷ tokens sent for batches of <paramref name="batchSize"/> rows, taken in input order or, with
    /// <paramref name="sort"/>, grouped by length within windows of <paramref name="window"/> rows.</summary>
    public static double PaddingEfficiency(IReadOnlyList<string> texts, int batchSize, int window, bool sort, int maxTokens)
    {
        long real = 0, sent = 0;
        for (int w0 = 0; w0 < texts.Count; w0 += window)
        {
            var lengths = texts.Skip(w0).Take(window).Select(t => BertTextTokenizer.MiniLM.Encode(t ?? string.Empty, maxTokens).Length).ToArray();
            if (sort)
                Array.Sort(lengths);
            foreach (var batch in lengths.Chunk(batchSize))
            {
                real += batch.Sum();
                sent += (long)batch.Length * batch.Max();
            }
        }
        return (double)real / sent;
    }

    /// <summary>Mean-pooled embeddings of <paramref name="texts"/> into <paramref name="result"/> (rows × 384).</summary>
    public void Embed(IReadOnlyList<string> texts, Span<float> result)
    {
        for (int w0 = 0; w0 < texts.Count; w0 += _window)
        {
            int count = Math.Min(_window, texts.Count - w0);
            for (int i = 0; i < count; i++)
            {
                _encodings[i] = _tokenizer.Encode(texts[w0 + i] ?? string.Empty, _maxTokens);
                _order[i] = i;
            }
            if (_sort)
                Array.Sort(_order, 0, count, Comparer<int>.Create((x, y) => _encodings[x].Length.CompareTo(_encodings[y].Length)));
            for (int b0 = 0; b0 < count; b0 += _batchSize)
                RunBatch(_order.AsSpan(b0, Math.Min(_batchSize, count - b0)), result[(w0 * Dimension)..]);
            Array.Clear(_encodings, 0, count);
        }
    }

    private void RunBatch(ReadOnlySpan<int> rowsInWindow, Span<float> result)
    {
        int rows = rowsInWindow.Length, width = 1;
        foreach (int i in rowsInWindow)
            width = Math.Max(width, _encodings[i].Length);
        int n = rows * width;
        Array.Clear(_ids, 0, n);
        Array.Clear(_mask, 0, n);
        Array.Clear(_types, 0, n);
        for (int r = 0; r < rows; r++)
        {
            var e = _encodings[rowsInWindow[r]];
            for (int t = 0; t < e.Length; t++)
            {
                _ids[r * width + t] = e.Ids[t];
                _types[r * width + t] = e.TypeIds[t];
                _mask[r * width + t] = 1;
            }
        }

        long[] shape = [rows, width];
        var memory = OrtMemoryInfo.DefaultInstance;
        using var ids = OrtValue.CreateTensorValueFromMemory(memory, _ids.AsMemory(0, n), shape);
        using var mask = OrtValue.CreateTensorValueFromMemory(memory, _mask.AsMemory(0, n), shape);
        using var types = OrtValue.CreateTensorValueFromMemory(memory, _types.AsMemory(0, n), shape);
        using var outputs = _session.Run(_runOptions, s_inputs, [ids, mask, types], s_outputs);
        var hidden = outputs[0].GetTensorDataAsSpan<float>();
        for (int r = 0; r < rows; r++)
        {
            int i = rowsInWindow[r];
            MeanPool(hidden.Slice(r * width * Dimension, width * Dimension), _encodings[i].Length, result.Slice(i * Dimension, Dimension));
        }
    }

    /// <summary>Average of the first <paramref name="tokens"/> vectors of <paramref name="hidden"/> (the unmasked ones).</summary>
    public static void MeanPool(ReadOnlySpan<float> hidden, int tokens, Span<float> pooled)
    {
        pooled.Clear();
        for (int t = 0; t < tokens; t++)
            System.Numerics.Tensors.TensorPrimitives.Add(pooled, hidden.Slice(t * pooled.Length, pooled.Length), pooled);
        System.Numerics.Tensors.TensorPrimitives.Multiply(pooled, 1f / Math.Max(1, tokens), pooled);
    }

    /// <summary>Ends ONNX Runtime's profiling (the session must have been built with a profile prefix): the JSON file's path.</summary>
    public string EndProfiling() => _session.EndProfiling();

    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }
}

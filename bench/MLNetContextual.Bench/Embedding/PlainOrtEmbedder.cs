using Microsoft.ML.OnnxRuntime;

namespace MLNetContextual.Bench.Embedding;

/// <summary>
/// Reference (b): a hand-written ONNX Runtime loop with no ML.NET: tokenize a batch with the library's tokenizer, pad to
/// the batch's longest row, run, mean-pool <c>last_hidden_state</c> over the attention mask. Buffers are reused.
/// </summary>
internal sealed class PlainOrtEmbedder : IDisposable
{
    private static readonly string[] s_inputs = ["input_ids", "attention_mask", "token_type_ids"];
    private static readonly string[] s_outputs = ["last_hidden_state"];

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly BertTextTokenizer _tokenizer;
    private readonly int _batchSize, _maxTokens;
    private readonly long[] _ids, _mask, _types;
    private readonly BertEncoding[] _encodings;

    public PlainOrtEmbedder(byte[] model, int batchSize, int maxTokens, int intraOpThreads)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = intraOpThreads };
        _session = new InferenceSession(model, options);
        _tokenizer = BertTextTokenizer.MiniLM;
        _batchSize = batchSize;
        _maxTokens = maxTokens;
        _ids = new long[batchSize * maxTokens];
        _mask = new long[batchSize * maxTokens];
        _types = new long[batchSize * maxTokens];
        _encodings = new BertEncoding[batchSize];
    }

    public const int Dimension = 384;

    /// <summary>Mean-pooled embeddings of <paramref name="texts"/> into <paramref name="result"/> (rows × 384).</summary>
    public void Embed(IReadOnlyList<string> texts, Span<float> result)
    {
        for (int start = 0; start < texts.Count; start += _batchSize)
        {
            int rows = Math.Min(_batchSize, texts.Count - start);
            int width = 1;
            for (int r = 0; r < rows; r++)
            {
                _encodings[r] = _tokenizer.Encode(texts[start + r] ?? string.Empty, _maxTokens);
                width = Math.Max(width, _encodings[r].Length);
            }
            int n = rows * width;
            Array.Clear(_ids, 0, n);
            Array.Clear(_mask, 0, n);
            Array.Clear(_types, 0, n);
            for (int r = 0; r < rows; r++)
            {
                var e = _encodings[r];
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
                var pooled = result.Slice((start + r) * Dimension, Dimension);
                MeanPool(hidden.Slice(r * width * Dimension, width * Dimension), _encodings[r].Length, pooled);
                _encodings[r] = null;
            }
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

    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }
}

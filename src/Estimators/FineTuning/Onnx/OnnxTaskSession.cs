using Microsoft.ML.OnnxRuntime;

namespace MLNetContextual;

/// <summary>
/// A fine-tuned task graph (encoder and head, see <see cref="TaskGraph"/>) loaded into an ONNX Runtime session: a batch
/// of tokenized texts in (padded to its longest row), the head's outputs out as flat float arrays. Thread-safe; no
/// TorchSharp type is touched, so predicting with it never loads libtorch. Dispose to release the native session.
/// </summary>
internal sealed class OnnxTaskSession : IDisposable
{
    private const string InputIds = "input_ids", AttentionMask = "attention_mask", TokenTypeIds = "token_type_ids";

    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly int _padId;

    /// <param name="graph">The ONNX model's bytes.</param>
    /// <param name="entry">Where the graph came from (a zip entry, "the fitted model"), named in errors.</param>
    /// <param name="outputs">The graph outputs to read, in order.</param>
    /// <param name="padId">The id padding positions get (irrelevant under the mask).</param>
    /// <param name="threads">ONNX Runtime's intra-op threads; null: its default.</param>
    public OnnxTaskSession(byte[] graph, string entry, IReadOnlyList<string> outputs, int padId, int? threads = null)
    {
        _padId = padId;
        _outputNames = [.. outputs];
        using (var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL })
        {
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            if (threads is int t)
                options.IntraOpNumThreads = t;
            try
            {
                _session = new InferenceSession(graph, options);
            }
            catch (OnnxRuntimeException e)
            {
                throw new InvalidDataException(
                    $"The ONNX graph {entry} ({graph.Length:N0} bytes) could not be loaded by ONNX Runtime: it is truncated, corrupt or not an ONNX model. {e.Message}", e);
            }
        }
        try
        {
            var inputs = _session.InputMetadata;
            foreach (var name in new[] { InputIds, AttentionMask })
                if (!inputs.ContainsKey(name))
                    throw new InvalidDataException($"The ONNX graph {entry} has no input '{name}' (found: {string.Join(", ", inputs.Keys)}).");
            _inputNames = inputs.ContainsKey(TokenTypeIds) ? [InputIds, AttentionMask, TokenTypeIds] : [InputIds, AttentionMask];
            foreach (var name in _outputNames)
                if (!_session.OutputMetadata.ContainsKey(name))
                    throw new InvalidDataException(
                        $"The ONNX graph {entry} has no output '{name}' (found: {string.Join(", ", _session.OutputMetadata.Keys)}).");
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    /// <summary>Runs one batch. Returns, per requested output, its values (row-major) and the padded width T.</summary>
    public (float[][] Outputs, int Width) Run(IReadOnlyList<EncodedText> batch) =>
        Run(batch.Select(e => e.Ids).ToArray(), batch.Select(e => e.TypeIds).ToArray());

    /// <summary>Runs one batch of token ids and segment ids (one array per row).</summary>
    public (float[][] Outputs, int Width) Run(IReadOnlyList<int[]> batchIds, IReadOnlyList<int[]> batchTypes)
    {
        var batch = EncodedBatch.Of(batchIds, batchTypes, _padId);
        int width = batch.Width;
        long[] shape = [batch.Rows, width];
        using var idValue = OrtValue.CreateTensorValueFromMemory(batch.InputIds, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(batch.AttentionMask, shape);
        using var typeValue = OrtValue.CreateTensorValueFromMemory(batch.TokenTypeIds, shape);
        OrtValue[] values = _inputNames.Length == 3 ? [idValue, maskValue, typeValue] : [idValue, maskValue];
        using var runOptions = new RunOptions();
        using var results = _session.Run(runOptions, _inputNames, values, _outputNames);
        var outputs = new float[results.Count][];
        for (int i = 0; i < results.Count; i++)
            outputs[i] = results[i].GetTensorDataAsSpan<float>().ToArray();
        return (outputs, width);
    }

    public void Dispose() => _session.Dispose();
}

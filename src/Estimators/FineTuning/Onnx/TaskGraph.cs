using MLNetContextual.Onnx;
using MLNetContextual.Onnx.Proto;
using MLNetContextual.Torch.Import;

namespace MLNetContextual;

/// <summary>A BERT encoder as an ONNX graph with fine-tuned weights, before a head is appended: the values a head reads.</summary>
/// <param name="Model">The graph; its outputs are cleared, the head declares its own.</param>
/// <param name="LastHiddenState">(B, T, H) value of the last layer.</param>
/// <param name="Pooled">(B, H) value of BERT's pooler, tanh(Dense(h_[CLS])).</param>
/// <param name="HiddenStates">(B, T, H) values of the embeddings and of every layer; null when the graph does not name them.</param>
/// <param name="How">How the graph was made, for logs ("the source graph with fine-tuned weights", "written from the configuration").</param>
internal sealed record EncoderGraph(OnnxModel Model, string LastHiddenState, string Pooled, string[] HiddenStates, string How);

/// <summary>
/// Builds the ONNX graph a fine-tuned BERT model predicts with: the encoder (the graph it was imported from with every
/// fine-tuned weight written back into that graph's initializers, inverting <see cref="OnnxBertImporter"/>'s mapping and
/// its transposes; or, for a model with no source graph, one written by <see cref="BertOnnxWriter"/>), then the task head
/// as ONNX nodes. Inputs stay <c>input_ids</c>, <c>attention_mask</c>, <c>token_type_ids</c>.
/// </summary>
internal static class TaskGraph
{
    public const string Scores = "scores", StartLogits = "start_logits", EndLogits = "end_logits";
    private const string HeadPrefix = "head.";

    /// <summary>The encoder with <paramref name="weights"/> (state-dict keys, PyTorch layout): in <paramref name="source"/>'s
    /// graph when one is given and every weight maps onto it, else written from <paramref name="config"/>.</summary>
    public static EncoderGraph Encoder(byte[] source, BertConfig config, IReadOnlyDictionary<string, WeightTensor> weights, Action<string> log = null)
    {
        if (source != null)
        {
            try
            {
                return IntoSource(source, weights);
            }
            catch (Exception e) when (e is NotSupportedException or InvalidDataException)
            {
                log?.Invoke($"The source ONNX graph cannot take the fine-tuned weights ({e.Message}); a BERT graph is written from the configuration instead.");
            }
        }
        var (model, states) = BertOnnxWriter.Write(config, weights);
        model.Graph.Output.Clear();
        return new EncoderGraph(model, states[^1], Produced(model, "Tanh", "pooler.dense.bias"), states, "written from the configuration");
    }

    private static EncoderGraph IntoSource(byte[] source, IReadOnlyDictionary<string, WeightTensor> weights)
    {
        var map = OnnxBertImporter.MapInitializers(OnnxGraph.Parse(source, "the source graph"), "the source graph");
        var mapped = map.Select(m => m.Key).ToHashSet(StringComparer.Ordinal);
        var unmapped = weights.Keys.Where(k => !mapped.Contains(k)).ToList();
        if (unmapped.Count > 0 || mapped.Count != weights.Count)
            throw new NotSupportedException(
                $"{mapped.Count} initializers map to state-dict keys, the model has {weights.Count} weights" +
                (unmapped.Count > 0 ? $" (no initializer for {string.Join(", ", unmapped.Take(5))})" : "") + ".");

        var model = OnnxModel.Parse(source);
        var byName = model.Graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var m in map)
        {
            var target = byName[m.Initializer];
            if (target.DataType != (int)TensorProto.Types.DataType.Float)
                throw new NotSupportedException($"Initializer '{m.Initializer}' holds {(TensorProto.Types.DataType)target.DataType}; only FLOAT graphs are written back.");
            var w = weights[m.Key];
            if (m.Transposed)
                w = w.Transpose2D();
            if (!target.Dims.SequenceEqual(w.Shape))
                throw new InvalidDataException($"Weight '{m.Key}' has shape {w.ShapeText}; initializer '{m.Initializer}' is [{string.Join(", ", target.Dims)}].");
            var replacement = OnnxTensors.FromFloats(m.Initializer, w.Data, w.Shape);
            target.FloatData.Clear();
            target.RawData = replacement.RawData;
            target.DataLocation = TensorProto.Types.DataLocation.Default;
        }

        var states = OnnxHiddenStates.FindNames(source);
        string last = model.Graph.Output.Any(o => o.Name == BertOnnxWriter.LastHiddenState) ? BertOnnxWriter.LastHiddenState
            : states?[^1] ?? throw new NotSupportedException("The source graph has no 'last_hidden_state' output and its layers are not named.");
        string pooled = Produced(model, "Tanh", "pooler.dense.bias");
        model.Graph.Output.Clear();
        return new EncoderGraph(model, last, pooled, states, "the source graph with fine-tuned weights");
    }

    /// <summary>The output of the <paramref name="opType"/> node that reads the node adding <paramref name="bias"/> (an Add
    /// after a MatMul, or a Gemm).</summary>
    private static string Produced(OnnxModel model, string opType, string bias)
    {
        var add = model.Graph.Node.FirstOrDefault(n => n.OpType is "Add" or "Gemm" && n.Input.Contains(bias))
            ?? throw new NotSupportedException($"No Add or Gemm of '{bias}' in the graph.");
        return model.Graph.Node.FirstOrDefault(n => n.OpType == opType && n.Input.Contains(add.Output[0]))?.Output[0]
            ?? throw new NotSupportedException($"No {opType} after the {add.OpType} of '{bias}' in the graph.");
    }

    /// <summary>Appends a sequence classifier's head: pooling, the output layer (<paramref name="weight"/> [outputs, H],
    /// <paramref name="bias"/> [outputs]), and a softmax for multiclass scores. Output <see cref="Scores"/> (B, outputs).
    /// With <see cref="ClassifierPooling.ScalarMix"/>, <paramref name="mix"/> holds γ·softmax(w)_j per hidden state, and the
    /// head reads the mean over the real tokens of the mixed layers.</summary>
    public static OnnxModel AppendClassifier(EncoderGraph encoder, ClassifierPooling pooling, float[] mix, WeightTensor weight, WeightTensor bias, bool softmax)
    {
        var g = new GraphBuilder(encoder.Model, HeadPrefix);
        int outputs = (int)weight.Shape[0];
        string pooled;
        switch (pooling)
        {
            case ClassifierPooling.Pooler:
                pooled = encoder.Pooled;
                break;
            case ClassifierPooling.Mean:
                pooled = MeanOverTokens(g, [encoder.LastHiddenState], [1f]);
                break;
            case ClassifierPooling.ScalarMix:
                if (encoder.HiddenStates == null || encoder.HiddenStates.Length != mix.Length)
                    throw new NotSupportedException(
                        $"The scalar mix reads {mix.Length} hidden states; the graph names {encoder.HiddenStates?.Length ?? 0}.");
                pooled = MeanOverTokens(g, encoder.HiddenStates, mix);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(pooling), $"Unknown pooling {pooling}.");
        }
        string logits = g.Gemm(pooled, g.Weight(HeadPrefix + "classifier.weight", weight.Data, weight.Shape),
            g.Weight(HeadPrefix + "classifier.bias", bias.Data, bias.Shape));
        g.Output(softmax ? g.Softmax(logits, 1) : logits, Scores, "batch", outputs);
        return encoder.Model;
    }

    /// <summary>Σ_j c_j · (Σ_t m_t h_j,t) / max(Σ_t m_t, 1): (B, H).</summary>
    private static string MeanOverTokens(GraphBuilder g, IReadOnlyList<string> states, IReadOnlyList<float> coefficients)
    {
        string mask = g.Unsqueeze(g.Cast("attention_mask", TensorProto.Types.DataType.Float), 2);          // (B, T, 1)
        string sum = null;
        for (int j = 0; j < states.Count; j++)
        {
            string layer = g.ReduceSum(g.Mul(states[j], mask), 1, keepDims: false);                          // (B, H)
            if (states.Count > 1 || coefficients[j] != 1f)
                layer = g.Mul(layer, g.Float(coefficients[j], "mix"));
            sum = sum == null ? layer : g.Add(sum, layer);
        }
        string count = g.Op("Max", [g.ReduceSum(mask, 1, keepDims: false), g.Float(1f)]);                    // (B, 1)
        return g.Div(sum, count);
    }

    /// <summary>Appends BERT's span head: a [2, H] layer over every token, padding set to −10000 (as
    /// <see cref="BertSpanExtractor"/> does). Outputs <see cref="StartLogits"/> and <see cref="EndLogits"/> (B, T).</summary>
    public static OnnxModel AppendSpanHead(EncoderGraph encoder, WeightTensor weight, WeightTensor bias)
    {
        var g = new GraphBuilder(encoder.Model, HeadPrefix);
        var transposed = weight.Transpose2D();                                                              // [H, 2]
        string logits = g.Add(g.MatMul(encoder.LastHiddenState, g.Weight(HeadPrefix + "qa_outputs.weight", transposed.Data, transposed.Shape)),
            g.Weight(HeadPrefix + "qa_outputs.bias", bias.Data, bias.Shape));                                 // (B, T, 2)
        string padding = g.Unsqueeze(g.Op("Equal", ["attention_mask", g.Int64Scalar(0)]), 2);               // (B, T, 1)
        string filled = g.Op("Where", [padding, g.Float(-10000f), logits]);
        g.Output(g.Gather(filled, g.Int64Scalar(0), 2), StartLogits, "batch", "sequence");
        g.Output(g.Gather(filled, g.Int64Scalar(1), 2), EndLogits, "batch", "sequence");
        return encoder.Model;
    }
}

/// <summary>What a classifier's head reads of the encoder.</summary>
internal enum ClassifierPooling
{
    /// <summary>BERT's pooler: tanh(Dense(h_[CLS])).</summary>
    Pooler,
    /// <summary>The mean of the last layer over the real tokens.</summary>
    Mean,
    /// <summary>A fixed scalar mix of every hidden state, mean-pooled.</summary>
    ScalarMix,
}

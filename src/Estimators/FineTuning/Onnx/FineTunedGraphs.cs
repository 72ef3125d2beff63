using MLNetContextual.Torch.Import;
using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>
/// The TorchSharp side of <see cref="TaskGraph"/>: reads a fine-tuned model's state dict and head and builds the ONNX
/// graph that predicts with it. Null where the encoder is not BERT (ELMo, USE, ...): those models stay on TorchSharp.
/// </summary>
internal static class FineTunedGraphs
{
    /// <summary>The classifier's graph (output <see cref="TaskGraph.Scores"/>: binary logits, multiclass probabilities),
    /// or null when its encoder cannot be written as ONNX.</summary>
    public static byte[] Classifier(SequenceClassifier model, TrainableTokenEncoder description, bool binary, bool meanPooling, Action<string> log)
    {
        if (description is not BertCheckpoint bert || model.Encoder is not BertModel encoder)
            return null;
        var pooling = model.Mix != null ? ClassifierPooling.ScalarMix : meanPooling ? ClassifierPooling.Mean : ClassifierPooling.Pooler;
        float[] mix = null;
        if (model.Mix != null)
        {
            var (w, gamma) = model.Mix.Values();
            float max = w.Max();
            var e = w.Select(x => MathF.Exp(x - max)).ToArray();
            float sum = e.Sum();
            mix = e.Select(x => gamma * x / sum).ToArray();
        }
        var graph = TaskGraph.Encoder(bert.OnnxSource?.Invoke(), encoder.Config, StateDict(encoder), log);
        if (pooling == ClassifierPooling.ScalarMix && graph.HiddenStates?.Length != mix.Length)
        {
            log?.Invoke($"The ONNX graph names {graph.HiddenStates?.Length ?? 0} hidden states; the scalar mix needs {mix.Length}: the model stays on TorchSharp.");
            return null;
        }
        var head = StateDict(model.Head);
        log?.Invoke($"ONNX graph for prediction: {graph.How}, {pooling} pooling.");
        return TaskGraph.AppendClassifier(graph, pooling, mix, head["weight"], head["bias"], softmax: !binary).ToBytes();
    }

    /// <summary>The span extractor's graph (outputs <see cref="TaskGraph.StartLogits"/>, <see cref="TaskGraph.EndLogits"/>).</summary>
    public static byte[] SpanExtractor(BertSpanExtractor model, BertModel encoder, byte[] source, Action<string> log)
    {
        var graph = TaskGraph.Encoder(source, encoder.Config, StateDict(encoder), log);
        var head = StateDict(model.Head);
        log?.Invoke($"ONNX graph for prediction: {graph.How}.");
        return TaskGraph.AppendSpanHead(graph, head["weight"], head["bias"]).ToBytes();
    }

    /// <summary>Every parameter and buffer as float32 in PyTorch layout.</summary>
    public static Dictionary<string, WeightTensor> StateDict(nn.Module module)
    {
        using var _ = no_grad();
        return module.state_dict().ToDictionary(kv => kv.Key, kv =>
        {
            using var t = kv.Value.detach().to(float32).contiguous();
            return new WeightTensor(t.shape, t.data<float>().ToArray());
        }, StringComparer.Ordinal);
    }
}

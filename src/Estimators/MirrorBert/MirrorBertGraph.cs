using MLNetContextual.Onnx;

namespace MLNetContextual;

/// <summary>
/// Writes a Mirror-BERT-trained TorchSharp BERT as an ONNX encoder, as the fine-tuned classifier does
/// (<see cref="TaskGraph.Encoder"/>): the trained weights go back into the ONNX graph the starting encoder was imported
/// from (the embedded MiniLM, <see cref="BertCheckpoint.FromOnnx"/>), or into a BERT graph written from the configuration
/// (Hugging Face folders, untrained models). The result is an ordinary <see cref="BertOnnxEncoder"/> (output
/// <c>last_hidden_state</c>, every layer findable), so it predicts on ONNX Runtime without libtorch.
/// </summary>
internal static class MirrorBertGraph
{
    public static (BertOnnxEncoder Encoder, string How) Write(BertCheckpoint start, BertModel model, Action<string> log = null)
    {
        var weights = FineTunedGraphs.StateDict(model);
        var graph = TaskGraph.Encoder(start.OnnxSource?.Invoke(), model.Config, weights, log);
        const string output = BertOnnxWriter.LastHiddenState;
        object[] dims = ["batch", "sequence", model.Config.HiddenSize];
        if (graph.Model.Graph.Node.Any(n => n.Output.Contains(output)))
            graph.Model.Graph.Output.Add(OnnxModel.FloatTensorInfo(output, dims));   // the graph's own value (its outputs were cleared)
        else
            new GraphBuilder(graph.Model, "mirror_bert.").Output(graph.LastHiddenState, output, dims);
        var encoder = BertOnnxEncoder.FromSaved($"mirror-bert-{start.Name}", graph.Model.ToBytes(), start.ReadVocabulary(),
            start.LowerCase, start.MaxPositions);
        return (encoder, graph.How);
    }
}

namespace MLNetContextual.Torch.Import;

/// <summary>
/// Recovers a Hugging Face BERT state dict and config from an ONNX export of <c>BertModel</c> (e.g. the embedded
/// all-MiniLM-L6-v2). Embeddings, biases and LayerNorm parameters keep their PyTorch names in the export; the dense
/// weights fed to MatMul are anonymous initializers stored transposed as [in, out]. Each is named by following its
/// MatMul to the Add that uses the named bias, and transposed back to [out, in].
/// </summary>
internal static class OnnxBertImporter
{
    private static readonly string[] Roots = ["embeddings.", "encoder.", "pooler."];

    /// <summary>The state dict and config of the BERT export <paramref name="graph"/>; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">The graph is not a BERT export this reader understands, or its weights are inconsistent.</exception>
    public static (BertConfig Config, Dictionary<string, WeightTensor> Weights) Import(OnnxGraph graph, string source = "ONNX model")
    {
        var producers = graph.Nodes.SelectMany(n => n.Outputs.Select(o => (o, n))).GroupBy(p => p.o).ToDictionary(g => g.Key, g => g.First().n);
        var weights = new Dictionary<string, WeightTensor>(StringComparer.Ordinal);
        foreach (var m in MapInitializers(graph, source))
        {
            var init = graph.Initializers[m.Initializer];
            var w = new WeightTensor(init.Dims, init.ToFloats());
            if (weights.ContainsKey(m.Key))
                throw new InvalidDataException($"Two ONNX initializers in '{source}' map to '{m.Key}' (the second is '{m.Initializer}').");
            weights[m.Key] = m.Transposed && w.Shape.Length == 2 ? w.Transpose2D() : w;
        }

        var config = InferConfig(graph, weights, producers, source);
        WeightNames.CheckAgainstConfig(config, weights, source);
        return (config, weights);
    }

    /// <summary>Which state-dict key each encoder initializer of <paramref name="graph"/> holds, and whether it is stored
    /// transposed ([in, out]): what <see cref="Import"/> reads, and what writing fine-tuned weights back into the graph
    /// inverts. Initializers outside the encoder (a task head appended later) are not mapped.</summary>
    public static List<InitializerKey> MapInitializers(OnnxGraph graph, string source = "ONNX model")
    {
        var consumers = new Dictionary<string, List<OnnxNode>>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
            foreach (var input in node.Inputs)
                (consumers.TryGetValue(input, out var list) ? list : consumers[input] = []).Add(node);

        var map = new List<InitializerKey>();
        foreach (var (name, t) in graph.Initializers)
        {
            if (!Roots.Any(name.StartsWith) || name == "embeddings.position_ids") continue;
            if (!WeightNames.IsWellFormed(name))
                throw new InvalidDataException($"ONNX initializer '{name}' in '{source}' is not a BERT weight name (e.g. encoder.layer.0.attention.self.query.bias).");
            // A named dense weight multiplied as MatMul's B (or Gemm's B without transB) is stored [in, out] too.
            bool storedTransposed = consumers.TryGetValue(name, out var users) && users.Any(u =>
                (u.OpType == "MatMul" && u.Inputs.Length > 1 && u.Inputs[1] == name) ||
                (u.OpType == "Gemm" && u.Inputs.Length > 1 && u.Inputs[1] == name && u.IntAttribute("transB", 0) == 0));
            map.Add(new InitializerKey(name, name, storedTransposed && t.Dims.Length == 2));
        }

        foreach (var matmul in graph.Nodes.Where(n => n.OpType == "MatMul" && n.Inputs.Length == 2))
        {
            string b = matmul.Inputs[1];
            if (!graph.Initializers.TryGetValue(b, out var init) || Roots.Any(b.StartsWith)) continue;
            if (matmul.Outputs.Length == 0 || init.Dims.Length != 2)
                throw new InvalidDataException(
                    $"MatMul '{matmul.Name}' in '{source}' multiplies by initializer '{b}' [{string.Join(", ", init.Dims)}]: expected a 2-D weight and one output; found {init.Dims.Length} dims and {matmul.Outputs.Length} outputs.");
            var add = consumers.GetValueOrDefault(matmul.Outputs[0])?.FirstOrDefault(n => n.OpType == "Add");
            string bias = add?.Inputs.FirstOrDefault(i => i != matmul.Outputs[0]);
            if (bias != null && !Roots.Any(bias.StartsWith) && bias.EndsWith(".bias", StringComparison.Ordinal) && graph.Initializers.ContainsKey(bias))
                continue;   // a named layer outside the encoder (a task head): not the encoder's
            if (bias == null || !bias.EndsWith(".bias", StringComparison.Ordinal) || !graph.Initializers.ContainsKey(bias))
                throw new InvalidDataException(
                    $"ONNX initializer '{b}' [{string.Join(", ", init.Dims)}] in '{source}' feeds MatMul '{matmul.Name}', but no Add with a named bias follows it; cannot tell which layer it belongs to.");
            string key = bias[..^".bias".Length] + ".weight";
            if (map.Any(m => m.Key == key))
                throw new InvalidDataException($"Two ONNX initializers in '{source}' map to '{key}' (the second is '{b}').");
            map.Add(new InitializerKey(b, key, Transposed: true));
        }
        return map;
    }

    private static BertConfig InferConfig(OnnxGraph graph, Dictionary<string, WeightTensor> weights, Dictionary<string, OnnxNode> producers, string source)
    {
        WeightTensor Need(string key, int rank) => weights.TryGetValue(key, out var w)
            ? (w.Shape.Length == rank ? w : throw new InvalidDataException($"ONNX initializer '{key}' in '{source}' has shape {w.ShapeText}; expected {rank} dims."))
            : throw new InvalidDataException($"The ONNX model '{source}' has no initializer '{key}'; it does not look like a BERT export.");
        var words = Need("embeddings.word_embeddings.weight", 2);
        int hidden = (int)words.Shape[1];
        int layers = WeightNames.LayerCount(weights.Keys, source);
        int heads = InferHeads(graph, hidden, producers, source);
        bool erf = graph.Nodes.Any(n => n.OpType == "Erf"), relu = graph.Nodes.Any(n => n.OpType == "Relu");
        return WeightNames.Validated(new BertConfig
        {
            VocabSize = (int)words.Shape[0],
            HiddenSize = hidden,
            NumHiddenLayers = layers,
            NumAttentionHeads = heads,
            IntermediateSize = (int)Need("encoder.layer.0.intermediate.dense.bias", 1).Shape[0],
            MaxPositionEmbeddings = (int)Need("embeddings.position_embeddings.weight", 2).Shape[0],
            TypeVocabSize = (int)Need("embeddings.token_type_embeddings.weight", 2).Shape[0],
            LayerNormEps = InferLayerNormEps(graph, producers) ?? 1e-12,
            HiddenAct = erf ? "gelu" : relu ? "relu" : "gelu_new",
        }, source);
    }

    private static OnnxTensor Constant(OnnxGraph graph, string name, Dictionary<string, OnnxNode> producers) =>
        graph.Initializers.TryGetValue(name, out var t) ? t : producers.TryGetValue(name, out var n) ? n.Value : null;

    /// <summary>
    /// Heads are not in any weight's shape. The export splits heads with Reshape(x, Concat(b, t, heads, headSize));
    /// failing that, the scores are divided by sqrt(headSize).
    /// </summary>
    private static int InferHeads(OnnxGraph graph, int hidden, Dictionary<string, OnnxNode> producers, string source)
    {
        long Scalar(string name) => Constant(graph, name, producers)?.Int64Scalar() ?? -1;
        var fromReshape = graph.Nodes
            .Where(n => n.OpType == "Reshape" && n.Inputs.Length == 2 && producers.TryGetValue(n.Inputs[1], out var c) && c.OpType == "Concat" && c.Inputs.Length == 4)
            .Select(n => producers[n.Inputs[1]].Inputs)
            .Select(i => (h: Scalar(i[2]), d: Scalar(i[3])))
            .Where(p => p.h > 0 && p.d > 0 && p.h <= hidden && p.d <= hidden && p.h * p.d == hidden)
            .Select(p => (int)p.h)
            .GroupBy(h => h).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault();
        if (fromReshape > 0) return fromReshape;

        foreach (var div in graph.Nodes.Where(n => n.OpType == "Div" && n.Inputs.Length == 2))
            if (Constant(graph, div.Inputs[1], producers) is { DataType: OnnxTensor.Float } c && c.FloatScalar() is float scale)
            {
                double d = Math.Round(scale * (double)scale);
                if (d >= 1 && d <= hidden && hidden % (int)d == 0 && Math.Abs(Math.Sqrt(d) - scale) < 1e-3) return hidden / (int)d;
            }
        throw new InvalidDataException($"Cannot infer the number of attention heads from the ONNX graph '{source}' (no head-splitting Reshape and no 1/sqrt(head size) scaling found).");
    }

    /// <summary>LayerNorm exported as ops: Add(ReduceMean(...), eps) before Sqrt.</summary>
    private static double? InferLayerNormEps(OnnxGraph graph, Dictionary<string, OnnxNode> producers)
    {
        foreach (var add in graph.Nodes.Where(n => n.OpType == "Add" && n.Inputs.Length == 2))
        {
            if (!producers.TryGetValue(add.Inputs[0], out var mean) || mean.OpType != "ReduceMean") continue;
            if (Constant(graph, add.Inputs[1], producers) is { DataType: OnnxTensor.Float } eps && eps.FloatScalar() is float value)
                return value;
        }
        return graph.Nodes.FirstOrDefault(n => n.OpType == "LayerNormalization") is { } ln && ln.Attributes.TryGetValue("epsilon", out var e)
            ? e.FloatScalar() : null;
    }
}

/// <summary>An ONNX initializer and the state-dict key it holds; <paramref name="Transposed"/>: stored [in, out].</summary>
internal sealed record InitializerKey(string Initializer, string Key, bool Transposed);

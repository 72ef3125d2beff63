using MLNetContextual.Onnx.Proto;

namespace MLNetContextual.Onnx;

/// <summary>
/// Appends what <c>ApplyContextualEmbedding</c> does after the encoder to a BERT ONNX graph, so that the graph alone
/// gives the transform's vectors: the chosen hidden states mixed (Σ c_j · h_j), pooled under the attention mask (Mean:
/// Σ m_t h_t / Σ m_t; Cls: h_0; Max: max over tokens with m_t = 1), optionally scaled to unit length; one output
/// <see cref="OutputName"/> float [batch, dimension]. The encoder's other outputs and the nodes only they need are
/// dropped. Inputs stay the encoder's: input_ids, attention_mask, token_type_ids (int64 [batch, sequence]; an encoder
/// without token types gets an unused token_type_ids input, so every export takes the same three).
/// </summary>
internal static class EmbeddingGraph
{
    public const string OutputName = "sentence_embedding";
    private const int Float = (int)TensorProto.Types.DataType.Float;

    public static byte[] Build(byte[] encoderModel, IReadOnlyList<string> layerValues, IReadOnlyList<float> coefficients,
        ContextualPooling pooling, bool normalize, int dimension)
    {
        var model = OnnxModel.Parse(encoderModel);
        var graph = model.Graph;
        long opset = model.OpsetVersion();
        if (opset < 11)
            throw new NotSupportedException($"The encoder's ONNX graph imports opset {opset}; export needs opset 11 or later.");
        var names = model.ValueNames();
        var Fresh = model.NameMaker("export/");
        string Const(string stem, float value)
        {
            string name = Fresh(stem);
            model.SetInitializer(name, [value]);
            return name;
        }
        string Axes(params long[] axes)
        {
            string name = Fresh("axes");
            model.SetInitializer(OnnxTensors.FromInt64(name, axes, axes.Length));
            return name;
        }
        string Op(string op, string stem, IEnumerable<string> inputs, params AttributeProto[] attributes)
        {
            string output = Fresh(stem);
            model.AddNode(op, inputs, [output], output, "", attributes);
            return output;
        }
        // ReduceSum takes its axes as an input from opset 13, ReduceMax and Unsqueeze from 18 and 13.
        string Reduce(string op, string input, long axis, bool keepDims, string stem)
        {
            bool axesInput = op == "ReduceSum" ? opset >= 13 : opset >= 18;
            var keep = OnnxTensors.Int("keepdims", keepDims ? 1 : 0);
            return axesInput ? Op(op, stem, [input, Axes(axis)], keep) : Op(op, stem, [input], OnnxTensors.Ints("axes", axis), keep);
        }

        foreach (var value in layerValues)
            if (!names.Contains(value))
                throw new InvalidDataException($"The encoder's ONNX graph has no value '{value}' (a hidden state the transform reads).");

        // Hidden states mixed: h [batch, sequence, dimension].
        string h = layerValues[0];
        if (coefficients.Count > 1 || coefficients[0] != 1f)
        {
            h = Op("Mul", "mix", [layerValues[0], Const("mix_coefficient", coefficients[0])]);
            for (int j = 1; j < layerValues.Count; j++)
                h = Op("Add", "mix", [h, Op("Mul", "mix_term", [layerValues[j], Const("mix_coefficient", coefficients[j])])]);
        }

        // The attention mask as float [batch, sequence, 1].
        string mask = Op("Cast", "mask", ["attention_mask"], OnnxTensors.Int("to", Float));
        mask = opset >= 13 ? Op("Unsqueeze", "mask3", [mask, Axes(2)]) : Op("Unsqueeze", "mask3", [mask], OnnxTensors.Ints("axes", 2));

        string pooled = pooling switch
        {
            ContextualPooling.Mean => Op("Div", "mean",
                [Reduce("ReduceSum", Op("Mul", "masked", [h, mask]), 1, false, "sum"),
                 Op("Max", "count", [Reduce("ReduceSum", mask, 1, false, "tokens"), Const("one", 1f)])]),
            ContextualPooling.Cls => Op("Gather", "cls", [h, ScalarIndex(model, Fresh("first"))], OnnxTensors.Int("axis", 1)),
            // Padding pushed far below any value (m − 1 = 0 on real tokens, so they stay exact).
            ContextualPooling.Max => Reduce("ReduceMax", Op("Add", "masked_max",
                [h, Op("Mul", "padding", [Op("Sub", "unmask", [mask, Const("one", 1f)]), Const("big", 1e30f)])]), 1, false, "max"),
            _ => throw new NotSupportedException($"Pooling {pooling} cannot be exported; valid: Mean, Cls, Max."),
        };

        if (normalize)
        {
            // v / ‖v‖, a zero vector left zero (divided by 1).
            string norm = Op("Sqrt", "norm", [Reduce("ReduceSum", Op("Mul", "square", [pooled, pooled]), 1, true, "sum_squares")]);
            string zero = Op("Equal", "is_zero", [norm, Const("zero", 0f)]);
            pooled = Op("Div", "normalized", [pooled, Op("Where", "divisor", [zero, Const("one", 1f), norm])]);
        }
        model.AddNode("Identity", [pooled], [OutputName], "export/output");

        graph.Output.Clear();
        graph.Output.Add(OnnxModel.FloatTensorInfo(OutputName, "batch", dimension));
        if (!graph.Input.Any(i => i.Name == "token_type_ids"))
            graph.Input.Add(Int64Input("token_type_ids"));
        Prune(model);
        return model.ToBytes();
    }

    private static string ScalarIndex(OnnxModel model, string name)
    {
        model.SetInitializer(OnnxTensors.FromInt64(name, [0L]));   // a scalar (no dims): Gather with it drops the sequence axis
        return name;
    }

    private static ValueInfoProto Int64Input(string name)
    {
        var info = OnnxModel.FloatTensorInfo(name, "batch", "sequence");
        info.Type.TensorType.ElemType = (int)TensorProto.Types.DataType.Int64;
        return info;
    }

    /// <summary>Drops nodes, initializers and value infos the outputs do not need (the encoder's own outputs, its pooler).</summary>
    private static void Prune(OnnxModel model)
    {
        var graph = model.Graph;
        var needed = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var kept = new List<NodeProto>();
        for (int i = graph.Node.Count - 1; i >= 0; i--)   // nodes are in topological order
        {
            var n = graph.Node[i];
            if (!n.Output.Any(needed.Contains))
                continue;
            kept.Add(n);
            foreach (var input in n.Input)
                needed.Add(input);
        }
        kept.Reverse();
        if (kept.Any(n => n.Attribute.Any(a => a.G != null || a.Graphs.Count > 0)))
            return;   // subgraphs may read outer values by name: keep everything
        graph.Node.Clear();
        graph.Node.AddRange(kept);
        foreach (var t in graph.Initializer.Where(t => !needed.Contains(t.Name)).Select(t => t.Name).ToList())
            model.RemoveInitializer(t);
        var infos = graph.ValueInfo.Where(v => needed.Contains(v.Name)).ToList();
        graph.ValueInfo.Clear();
        graph.ValueInfo.AddRange(infos);
    }
}

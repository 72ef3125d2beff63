using MLNetContextual.Onnx;
using MLNetContextual.Onnx.Proto;
using MLNetContextual.Torch.Import;

namespace MLNetContextual;

/// <summary>
/// Writes a BERT encoder (Hugging Face <c>BertModel</c>, laid out as <see cref="BertModel"/>) as an ONNX graph from its
/// configuration and state dict: for models that were not imported from a graph (a Hugging Face folder, an untrained
/// model). Opset 17, inputs <c>input_ids</c>, <c>attention_mask</c>, <c>token_type_ids</c> (int64 [batch, sequence]),
/// outputs <c>last_hidden_state</c> and <c>pooler_output</c>. Initializers keep the state-dict keys, dense weights stored
/// [in, out] as MatMul's B (as exporters do), attention scores divided by √head size and GELU written with Erf, so that
/// <see cref="OnnxBertImporter"/> reads the graph back to the same state dict and configuration.
/// </summary>
internal static class BertOnnxWriter
{
    public const string LastHiddenState = "last_hidden_state", PoolerOutput = "pooler_output";

    /// <summary>The graph, and the value names of every hidden state (0: the embeddings, i: layer i).</summary>
    public static (OnnxModel Model, string[] HiddenStates) Write(BertConfig config, IReadOnlyDictionary<string, WeightTensor> weights)
    {
        config.Validate();
        var proto = new ModelProto { IrVersion = 8, ProducerName = "MLNetContextual", Graph = new GraphProto { Name = "bert" } };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        foreach (var input in new[] { "input_ids", "attention_mask", "token_type_ids" })
            proto.Graph.Input.Add(Int64Input(input));
        var model = new OnnxModel(proto);
        var g = new GraphBuilder(model, "");

        WeightTensor W(string key) => weights.TryGetValue(key, out var w) ? w
            : throw new ArgumentException($"The state dict has no weight '{key}', which a BERT encoder of this configuration needs.", nameof(weights));
        string Param(string key) => g.Weight(key, W(key).Data, W(key).Shape);
        string DenseWeight(string key) { var t = W(key).Transpose2D(); return g.Weight(key, t.Data, t.Shape); }   // [in, out]
        string Linear(string x, string prefix) => g.Add(g.MatMul(x, DenseWeight(prefix + ".weight")), Param(prefix + ".bias"));
        string LayerNorm(string x, string prefix) => g.Op("LayerNormalization", [x, Param(prefix + ".weight"), Param(prefix + ".bias")],
            OnnxTensors.Int("axis", -1), OnnxTensors.Float("epsilon", (float)config.LayerNormEps));

        // Embeddings: word + token type + position (positions 0..T-1), then LayerNorm.
        string words = g.Gather(Param("embeddings.word_embeddings.weight"), "input_ids", 0);                  // (B, T, H)
        string segments = g.Gather(Param("embeddings.token_type_embeddings.weight"), "token_type_ids", 0);    // (B, T, H)
        string length = g.Gather(g.Unary("Shape", "input_ids"), g.Int64Scalar(1), 0);                        // T
        string positions = g.Op("Range", [g.Int64Scalar(0), length, g.Int64Scalar(1)]);                     // (T)
        string positional = g.Gather(Param("embeddings.position_embeddings.weight"), positions, 0);          // (T, H)
        string hidden = LayerNorm(g.Add(g.Add(words, segments), positional), "embeddings.LayerNorm");
        var states = new List<string> { hidden };

        // 0 where a key is a real token, float's lowest value where it is padding: (B, 1, 1, T), as BertModel adds it.
        string mask = g.Cast("attention_mask", TensorProto.Types.DataType.Float);
        string additive = g.Unsqueeze(g.Mul(g.Sub(g.Float(1f), mask), g.Float(float.MinValue)), 1, 2);
        int heads = config.NumAttentionHeads, headSize = config.HeadSize;
        string scale = g.Float(MathF.Sqrt(headSize), "sqrt_head_size");

        for (int i = 0; i < config.NumHiddenLayers; i++)
        {
            string p = $"encoder.layer.{i}.";
            string Heads(string projection) => g.Transpose(g.Reshape(Linear(hidden, p + "attention.self." + projection), 0, 0, heads, headSize), 0, 2, 1, 3);  // (B, nh, T, hs)
            string q = Heads("query"), k = Heads("key"), v = Heads("value");
            string scores = g.Add(g.Div(g.MatMul(q, g.Transpose(k, 0, 1, 3, 2)), scale), additive);           // (B, nh, T, T)
            string context = g.MatMul(g.Softmax(scores, -1), v);                                              // (B, nh, T, hs)
            string merged = g.Reshape(g.Transpose(context, 0, 2, 1, 3), 0, 0, config.HiddenSize);             // (B, T, H)
            string attended = LayerNorm(g.Add(Linear(merged, p + "attention.output.dense"), hidden), p + "attention.output.LayerNorm");
            string inner = Activation(g, Linear(attended, p + "intermediate.dense"), config.HiddenAct);       // (B, T, I)
            hidden = LayerNorm(g.Add(Linear(inner, p + "output.dense"), attended), p + "output.LayerNorm");
            states.Add(hidden);
        }

        string cls = g.Gather(hidden, g.Int64Scalar(0), 1);                                                    // (B, H)
        string pooled = g.Unary("Tanh", Linear(cls, "pooler.dense"));
        g.Output(hidden, LastHiddenState, "batch", "sequence", config.HiddenSize);
        g.Output(pooled, PoolerOutput, "batch", config.HiddenSize);
        return (model, [.. states]);
    }

    private static string Activation(GraphBuilder g, string x, string activation)
    {
        switch (activation)
        {
            case "gelu":       // x · ½ (1 + erf(x / √2)); a Mul, not a Div: the importer reads the head size from the only Div by a constant
                return g.Mul(g.Mul(x, g.Float(0.5f)), g.Add(g.Float(1f), g.Unary("Erf", g.Mul(x, g.Float(1f / MathF.Sqrt(2f))))));
            case "gelu_new" or "gelu_pytorch_tanh":   // x · ½ (1 + tanh(√(2/π) (x + 0.044715 x³)))
                var cube = g.Mul(g.Mul(x, x), x);
                var inner = g.Mul(g.Add(x, g.Mul(cube, g.Float(0.044715f))), g.Float(MathF.Sqrt(2f / MathF.PI)));
                return g.Mul(g.Mul(x, g.Float(0.5f)), g.Add(g.Float(1f), g.Unary("Tanh", inner)));
            case "relu":
                return g.Unary("Relu", x);
            default:
                throw new NotSupportedException($"Unsupported hidden_act '{activation}'. Valid activations are: ({string.Join(", ", BertConfig.Activations)}).");
        }
    }

    private static ValueInfoProto Int64Input(string name)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "sequence" });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Int64, Shape = shape } },
        };
    }
}

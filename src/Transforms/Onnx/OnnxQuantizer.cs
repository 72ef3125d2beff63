using System.Text.RegularExpressions;
using MLNetContextual.Onnx.Proto;

namespace MLNetContextual.Onnx;

/// <summary>
/// Dynamic int8 quantization of an ONNX graph, as ONNX Runtime's <c>quantize_dynamic</c> does it for MatMul
/// (per-channel, symmetric int8 weights, QOperator format): every MatMul whose second input is a 2-D float initializer
/// W [in, out] gets int8 weights with one scale per output column (s_n = max_k |W[k, n]| / q), and its activations are
/// quantized to uint8 at run time, per tensor (DynamicQuantizeLinear). Everything else (embeddings, attention scores,
/// LayerNorm, GELU) stays float. Deterministic: the same graph gives the same bytes.
/// </summary>
/// <remarks>
/// <para>Kernels: <see cref="Kernel.StandardOps"/> writes DynamicQuantizeLinear → MatMulInteger → Cast → Mul(a_scale ·
/// w_scale), the pattern ONNX Runtime fuses into MatMulIntegerToFloat at its extended optimisation level (one
/// DynamicQuantizeLinear is shared by the MatMuls that read the same activation, e.g. Q, K and V);
/// <see cref="Kernel.ContribOps"/> writes one com.microsoft DynamicQuantizeMatMul per MatMul. The default is the one
/// measured faster (bench int8 --variants; bench/RESULTS.md).</para>
/// <para>Range: x86 CPUs without VNNI (AVX2, AVX-512 without VNNI) multiply uint8 × int8 with VPMADDUBSW, which adds
/// two products into a saturating int16: 2 · 255 · 127 overflows. <see cref="Options.ReduceRange"/> (the default, as
/// ONNX Runtime recommends for such machines) keeps weights in [−64, 64], so 2 · 255 · 64 = 32,640 fits.</para>
/// <para>Kept float: the first layer's feed-forward output projection (a BERT export's <c>encoder.layer.0.output.dense</c>,
/// found by its bias), whose input has the widest range in the network: quantizing it cost most of the accuracy on
/// MiniLM (mean cosine to fp32 on SST-2 sentences 0.9897 with it, 0.9919 without; it is 1/36 of the MatMuls).</para>
/// </remarks>
internal static class OnnxQuantizer
{
    /// <summary>Which ONNX operators carry the int8 MatMul.</summary>
    internal enum Kernel
    {
        /// <summary>DynamicQuantizeLinear + MatMulInteger + Cast + Mul (standard ONNX, opset 11).</summary>
        StandardOps,
        /// <summary>com.microsoft DynamicQuantizeMatMul (ONNX Runtime only).</summary>
        ContribOps,
    }

    /// <summary>Quantization settings. <paramref name="ReduceRange"/>: 7-bit weights ([−64, 64]) instead of [−127, 127];
    /// <paramref name="KeepFloat"/>: weight initializers left as they are; <paramref name="KeepFirstFeedForwardOutput"/>: keep
    /// the first layer's feed-forward output projection float.</summary>
    internal sealed record Options(Kernel Kernel = Kernel.StandardOps, bool ReduceRange = true, IReadOnlySet<string> KeepFloat = null,
        bool KeepFirstFeedForwardOutput = true);

    private static readonly Regex FirstFeedForwardBias = new(@"^(?:bert\.|roberta\.|model\.)?encoder\.layer\.0\.output\.dense\.bias$", RegexOptions.CultureInvariant);

    /// <summary>What was quantized: MatMuls rewritten, float weight bytes replaced, int8 bytes written.</summary>
    internal sealed record Report(int MatMuls, long FloatBytes, long Int8Bytes);

    private const int Float = (int)TensorProto.Types.DataType.Float;
    private const string MicrosoftDomain = "com.microsoft";

    public static Options Default { get; } = new();

    /// <summary>The quantized graph of <paramref name="model"/>.</summary>
    public static byte[] QuantizeDynamicInt8(byte[] model, Options options = null) => QuantizeDynamicInt8(model, options, out _);

    /// <inheritdoc cref="QuantizeDynamicInt8(byte[], Options)"/>
    public static byte[] QuantizeDynamicInt8(byte[] model, Options options, out Report report)
    {
        var onnx = OnnxModel.Parse(model);
        report = Quantize(onnx, options ?? Default);
        return onnx.ToBytes();
    }

    /// <summary>Rewrites <paramref name="model"/> in place; throws <see cref="NotSupportedException"/> when nothing in it
    /// can be quantized.</summary>
    public static Report Quantize(OnnxModel model, Options options)
    {
        var graph = model.Graph;
        var inits = model.Initializers;
        var graphInputs = graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var keep = new HashSet<string>(options.KeepFloat ?? (IEnumerable<string>)[], StringComparer.Ordinal);
        if (options.KeepFirstFeedForwardOutput)
            keep.UnionWith(FirstFeedForwardWeights(model));
        bool IsWeight(NodeProto n) => n.OpType == "MatMul" && string.IsNullOrEmpty(n.Domain) && n.Input.Count == 2
            && inits.TryGetValue(n.Input[1], out var w) && w.DataType == Float && w.Dims.Count == 2
            && !graphInputs.Contains(n.Input[1])   // an initializer that is also an input may be replaced by the caller
            && !keep.Contains(n.Input[1]);
        var targets = graph.Node.Where(IsWeight).ToList();
        if (targets.Count == 0)
        {
            int matMuls = graph.Node.Count(n => n.OpType == "MatMul");
            throw new NotSupportedException(
                $"The ONNX graph has no MatMul with a 2-D float weight initializer ({matMuls} MatMul node(s), {graph.Initializer.Count} initializer(s)); " +
                "dynamic int8 quantization has nothing to quantize. Is it already quantized, or are its weights graph inputs?");
        }

        long opset = model.OpsetVersion();
        if (options.Kernel == Kernel.StandardOps && opset < 11)
            throw new NotSupportedException($"The ONNX graph imports opset {opset}; DynamicQuantizeLinear needs opset 11 or later.");
        if (options.Kernel == Kernel.ContribOps && model.OpsetVersion(MicrosoftDomain) == 0)
            model.RequireOpset(MicrosoftDomain, 1);

        var names = model.ValueNames();
        string Fresh(string stem)
        {
            string name = stem;
            for (int i = 1; !names.Add(name); i++)
                name = $"{stem}_{i}";
            return name;
        }

        // Each weight once (a weight shared by several MatMuls is quantized once).
        var quantized = new Dictionary<string, (string Q, string Scale, string Zero)>(StringComparer.Ordinal);
        long floatBytes = 0, int8Bytes = 0;
        foreach (var weight in targets.Select(n => n.Input[1]).Distinct())
        {
            var w = inits[weight];
            var (q, scale) = QuantizeColumns(OnnxTensors.ToFloats(w), (int)w.Dims[0], (int)w.Dims[1], options.ReduceRange ? 64 : 127);
            string qName = Fresh(weight + "_quantized"), sName = Fresh(weight + "_scale"), zName = Fresh(weight + "_zero_point");
            model.SetInitializer(OnnxTensors.FromInt8(qName, q, w.Dims[0], w.Dims[1]));
            model.SetInitializer(sName, scale, w.Dims[1]);
            model.SetInitializer(OnnxTensors.FromInt8(zName, new sbyte[w.Dims[1]], w.Dims[1]));
            quantized[weight] = (qName, sName, zName);
            floatBytes += q.Length * sizeof(float);
            int8Bytes += q.Length;
        }

        // Rebuild the node list in order: each MatMul is replaced where it stood, its activation quantized just before the
        // first MatMul that reads it (its producer comes earlier, its later readers later).
        var dynamic = new Dictionary<string, (string Q, string Scale, string Zero)>(StringComparer.Ordinal);
        var nodes = new List<NodeProto>(graph.Node.Count + 4 * targets.Count);
        var targetSet = targets.ToHashSet();
        foreach (var node in graph.Node)
        {
            if (!targetSet.Contains(node))
            {
                nodes.Add(node);
                continue;
            }
            string a = node.Input[0], y = node.Output[0], stem = string.IsNullOrEmpty(node.Name) ? y : node.Name;
            var wq = quantized[node.Input[1]];
            if (options.Kernel == Kernel.ContribOps)
            {
                nodes.Add(Node("DynamicQuantizeMatMul", [a, wq.Q, wq.Scale, wq.Zero], [y], Fresh(stem + "_quant"), MicrosoftDomain));
                continue;
            }
            if (!dynamic.TryGetValue(a, out var aq))
            {
                aq = (Fresh(a + "_quantized"), Fresh(a + "_scale"), Fresh(a + "_zero_point"));
                nodes.Add(Node("DynamicQuantizeLinear", [a], [aq.Q, aq.Scale, aq.Zero], Fresh(a + "_QuantizeLinear")));
                dynamic[a] = aq;
            }
            string integer = Fresh(y + "_MatMulInteger"), cast = Fresh(y + "_cast_output"), scales = Fresh(stem + "_scales_mul:0");
            nodes.Add(Node("MatMulInteger", [aq.Q, wq.Q, aq.Zero, wq.Zero], [integer], Fresh(stem + "_quant")));
            nodes.Add(Node("Cast", [integer], [cast], Fresh(integer + "_cast"), "", OnnxTensors.Int("to", Float)));
            nodes.Add(Node("Mul", [aq.Scale, wq.Scale], [scales], Fresh(stem + "_scales_mul")));
            nodes.Add(Node("Mul", [cast, scales], [y], Fresh(stem + "_output_scale_mul")));
        }
        graph.Node.Clear();
        graph.Node.AddRange(nodes);

        // The float weights go unless something else still reads them.
        var used = graph.Node.SelectMany(n => n.Input).Concat(graph.Output.Select(o => o.Name)).ToHashSet(StringComparer.Ordinal);
        foreach (var weight in quantized.Keys.Where(w => !used.Contains(w)))
            model.RemoveInitializer(weight);
        return new Report(targets.Count, floatBytes, int8Bytes);
    }

    /// <summary>The weights of the MatMuls whose output is added to the first layer's feed-forward output bias.</summary>
    private static IEnumerable<string> FirstFeedForwardWeights(OnnxModel model)
    {
        var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (var n in model.Graph.Node)
            foreach (var o in n.Output)
                producers[o] = n;
        foreach (var add in model.Graph.Node.Where(n => n.OpType == "Add" && n.Input.Any(i => FirstFeedForwardBias.IsMatch(i))))
            foreach (var input in add.Input)
                if (producers.TryGetValue(input, out var p) && p.OpType == "MatMul" && p.Input.Count == 2)
                    yield return p.Input[1];
    }

    /// <summary>Symmetric per-column int8: W [rows, cols] row-major; q[k, n] = round(W[k, n] / s_n) within ±<paramref name="qmax"/>.</summary>
    internal static (sbyte[] Values, float[] Scales) QuantizeColumns(ReadOnlySpan<float> w, int rows, int cols, int qmax)
    {
        var maxAbs = new float[cols];
        for (int k = 0; k < rows; k++)
        {
            var row = w.Slice(k * cols, cols);
            for (int n = 0; n < cols; n++)
                maxAbs[n] = MathF.Max(maxAbs[n], MathF.Abs(row[n]));
        }
        var scales = new float[cols];
        for (int n = 0; n < cols; n++)
            scales[n] = maxAbs[n] > 0 && float.IsFinite(maxAbs[n]) ? maxAbs[n] / qmax : 1f;
        var q = new sbyte[rows * cols];
        for (int k = 0; k < rows; k++)
            for (int n = 0; n < cols; n++)
                q[k * cols + n] = (sbyte)Math.Clamp(MathF.Round(w[k * cols + n] / scales[n]), -qmax, qmax);
        return (q, scales);
    }

    private static NodeProto Node(string op, string[] inputs, string[] outputs, string name, string domain = "", params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = name, Domain = domain };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }
}

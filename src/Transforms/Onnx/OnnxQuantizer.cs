using System.Text.RegularExpressions;
using MLNetContextual.Onnx.Proto;

namespace MLNetContextual.Onnx;

/// <summary>
/// Dynamic int8 quantization of an ONNX graph's MatMuls: every MatMul whose second input is a 2-D float initializer
/// W [in, out] gets int8 weights with one scale per output channel (symmetric, s_n = max_k |W[k, n]| / q, as ONNX Runtime's
/// <c>quantize_dynamic(per_channel=True)</c>), and its activations are quantized at run time. Everything else (embeddings,
/// attention scores, LayerNorm, GELU) stays float. Deterministic: the same graph gives the same bytes.
/// </summary>
/// <remarks>
/// <para>Activations (<see cref="Kernel"/>), measured on MiniLM (bench int8 --variants 1; bench/RESULTS.md):
/// <see cref="Kernel.PerToken"/> (the default) gives every token its own scale, max |a| / 127 over its features, stored as
/// uint8 with the zero point 128 that MatMulInteger takes as a scalar; a text's vector then never depends on the texts
/// batched with it (one text alone, as a PredictionEngine runs it, gives the batched vector exactly) and is closer to fp32
/// (mean cosine to fp32 on SST-2 sentences 0.9947 against 0.9897). <see cref="Kernel.StandardOps"/> is ONNX Runtime's own scheme,
/// one uint8 range per tensor (DynamicQuantizeLinear → MatMulInteger → Cast → Mul(a_scale · w_scale), which it fuses into
/// MatMulIntegerToFloat): the range spans the whole batch, so a text alone got cosine down to 0.95 to itself batched (max abs difference 0.3).
/// <see cref="Kernel.ContribOps"/> is the same per tensor as one com.microsoft DynamicQuantizeMatMul. Per token is
/// slower: ONNX Runtime fuses the per-tensor pattern (DynamicQuantizeMatMul, bias included) but has no per-row kernel, so
/// the scales take elementwise passes; in interleaved rounds on 2 cores per token ran at about 0.85–0.9 of per tensor
/// (about 1.5–1.6× fp32 against 1.7–1.8×). Tried and dropped as no faster: the activation as rows quantized by one
/// per-axis QuantizeLinear, and com.microsoft MatMulIntegerToFloat for the output scaling; written in the pattern ONNX
/// Runtime fuses (a_scale the batch's largest token scale), the fused kernel made one text alone differ from the same
/// text in a batch by up to 0.09.</para>
/// <para>Range: x86 CPUs without VNNI (AVX2, AVX-512 without VNNI) multiply uint8 × int8 with VPMADDUBSW, which adds
/// two products into a saturating int16: 2 · 255 · 127 overflows. <see cref="Options.ReduceRange"/> (the default, as
/// ONNX Runtime recommends for such machines) keeps weights in [−64, 64], so 2 · 255 · 64 = 32,640 fits and every CPU
/// computes the same sums (8-bit weights measured 0.0004 closer in mean cosine on this AVX2 machine).</para>
/// <para><see cref="Options.KeepFirstFeedForwardOutput"/> leaves the first layer's feed-forward output projection (a BERT
/// export's <c>encoder.layer.0.output.dense</c>, found by its bias) float: its input has the widest range in the network.
/// Per tensor it was needed (mean cosine 0.9897 → 0.9917); per token it adds 0.0004, so it is off by default.</para>
/// </remarks>
internal static class OnnxQuantizer
{
    /// <summary>Which ONNX operators carry the int8 MatMul.</summary>
    internal enum Kernel
    {
        /// <summary>DynamicQuantizeLinear + MatMulInteger + Cast + Mul (standard ONNX, opset 11): one range per tensor.</summary>
        StandardOps,
        /// <summary>com.microsoft DynamicQuantizeMatMul (ONNX Runtime only).</summary>
        ContribOps,
        /// <summary>Standard ops with one activation scale per token (row of the last axis), symmetric, stored as uint8
        /// with zero point 128: a token's result never depends on the other rows of the batch.</summary>
        PerToken,
        /// <summary><see cref="PerToken"/>'s activations; the integer GEMM, the cast and the weight scales in one
        /// com.microsoft MatMulIntegerToFloat (ONNX Runtime only), then the token scales: one pass over the output, not three.</summary>
        PerTokenFused,
    }

    /// <summary>Quantization settings. <paramref name="ReduceRange"/>: 7-bit weights ([−64, 64]) instead of [−127, 127];
    /// <paramref name="KeepFloat"/>: weight initializers left as they are; <paramref name="KeepFirstFeedForwardOutput"/>: keep
    /// the first layer's feed-forward output projection float.</summary>
    internal sealed record Options(Kernel Kernel = Kernel.PerToken, bool ReduceRange = true, IReadOnlySet<string> KeepFloat = null,
        bool KeepFirstFeedForwardOutput = false);

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
        if (options.Kernel is Kernel.ContribOps or Kernel.PerTokenFused && model.OpsetVersion(MicrosoftDomain) == 0)
            model.RequireOpset(MicrosoftDomain, 1);

        var Fresh = model.NameMaker();

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
        // Per token: s = max(|a|) / 127 over the last axis, q = round(a / s) + 128 as uint8 (zero point 128); the rounding
        // is Cast's truncation of a / s + 128.5 (≥ 1.5, so truncation is floor): halves round up, one pass fewer than Round.
        (string Q, string Scale) PerTokenInput(string a)
        {
            if (dynamic.TryGetValue(a, out var known))
                return (known.Q, known.Scale);
            string abs = Fresh(a + "_abs"), max = Fresh(a + "_absmax"), safe = Fresh(a + "_absmax_safe"), scale = Fresh(a + "_token_scale");
            string div = Fresh(a + "_scaled"), shifted = Fresh(a + "_shifted"), q = Fresh(a + "_quantized");
            nodes.Add(Node("Abs", [a], [abs], abs));
            nodes.Add(opset >= 18
                ? Node("ReduceMax", [abs, Const(Fresh("axis_last"), OnnxTensors.FromInt64("", [-1], 1))], [max], max, "", OnnxTensors.Int("keepdims", 1))
                : Node("ReduceMax", [abs], [max], max, "", OnnxTensors.Ints("axes", -1), OnnxTensors.Int("keepdims", 1)));
            nodes.Add(Node("Max", [max, Const(Fresh("tiny"), OnnxTensors.FromFloats("", [1e-30f]))], [safe], safe));
            nodes.Add(Node("Mul", [safe, Const(Fresh("inverse_127"), OnnxTensors.FromFloats("", [1f / 127]))], [scale], scale));
            nodes.Add(Node("Div", [a, scale], [div], div));
            nodes.Add(Node("Add", [div, Const(Fresh("offset_128_5"), OnnxTensors.FromFloats("", [128.5f]))], [shifted], shifted));
            nodes.Add(Node("Cast", [shifted], [q], q, "", OnnxTensors.Int("to", (int)TensorProto.Types.DataType.Uint8)));
            dynamic[a] = (q, scale, null);
            return (q, scale);
        }
        string zero128 = null;
        string PerTokenZero()
        {
            if (zero128 != null)
                return zero128;
            zero128 = Fresh("zero_point_128");
            var t = new TensorProto { Name = zero128, DataType = (int)TensorProto.Types.DataType.Uint8, RawData = Google.Protobuf.ByteString.CopyFrom([128]) };
            model.SetInitializer(t);
            return zero128;
        }
        string one = null;
        string One() => one ??= Const(Fresh("one"), OnnxTensors.FromFloats("", [1f]));
        string Const(string name, TensorProto t)
        {
            t.Name = name;
            model.SetInitializer(t);
            return name;
        }
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
            if (options.Kernel == Kernel.PerTokenFused)
            {
                var (tq, ts) = PerTokenInput(a);
                string tFloat = Fresh(y + "_MatMulIntegerToFloat");
                nodes.Add(Node("MatMulIntegerToFloat", [tq, wq.Q, One(), wq.Scale, PerTokenZero(), wq.Zero], [tFloat], Fresh(stem + "_quant"), MicrosoftDomain));
                nodes.Add(Node("Mul", [tFloat, ts], [y], Fresh(stem + "_token_scale_mul")));
                continue;
            }
            if (options.Kernel == Kernel.PerToken)
            {
                var (tq, ts) = PerTokenInput(a);
                string tInt = Fresh(y + "_MatMulInteger"), tCast = Fresh(y + "_cast_output"), tScaled = Fresh(y + "_token_scaled");
                nodes.Add(Node("MatMulInteger", [tq, wq.Q, PerTokenZero(), wq.Zero], [tInt], Fresh(stem + "_quant")));
                nodes.Add(Node("Cast", [tInt], [tCast], Fresh(tInt + "_cast"), "", OnnxTensors.Int("to", Float)));
                nodes.Add(Node("Mul", [tCast, ts], [tScaled], Fresh(stem + "_token_scale_mul")));
                nodes.Add(Node("Mul", [tScaled, wq.Scale], [y], Fresh(stem + "_output_scale_mul")));
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

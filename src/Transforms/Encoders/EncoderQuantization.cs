namespace MLNetContextual;

/// <summary>How an encoder's weights are stored and multiplied (see <see cref="ContextualEncoder.Quantize"/>).</summary>
public enum EncoderQuantization
{
    /// <summary>As exported: float32 weights.</summary>
    None,
    /// <summary>Dynamic int8 quantization (ONNX Runtime encoders): the weight matrices of every MatMul stored as int8 with
    /// one scale per output channel, activations quantized to 8 bits at run time with one scale per token; embeddings,
    /// attention scores, LayerNorm and GELU stay float. A text's vector does not depend on the texts run with it.</summary>
    DynamicInt8,
    /// <summary>Dynamic int8 quantization with one activation range per text: ONNX Runtime's fused com.microsoft
    /// <c>DynamicQuantizeMatMul</c> (one range per tensor), with every text run alone (batches of one), so that a text's
    /// vector still never depends on the texts around it. Faster than <see cref="DynamicInt8"/> where measured, slightly
    /// further from float (bench/RESULTS.md, issue 11). ONNX Runtime only: the graph uses com.microsoft operators, and run
    /// elsewhere in batches its ranges would span the batch.</summary>
    DynamicInt8PerText,
}

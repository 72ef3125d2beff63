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
}

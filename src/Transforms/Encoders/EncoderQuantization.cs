namespace MLNetContextual;

/// <summary>How an encoder's weights are stored and multiplied (see <see cref="ContextualEncoder.Quantize"/>).</summary>
public enum EncoderQuantization
{
    /// <summary>As exported: float32 weights.</summary>
    None,
    /// <summary>Dynamic int8 quantization (ONNX Runtime encoders): the weight matrices of every MatMul stored as int8 with
    /// one scale per output channel, activations quantized to uint8 at run time per batch; embeddings, attention scores,
    /// LayerNorm and GELU stay float. Because activation ranges are taken per batch, a text's vector depends slightly on
    /// the texts run with it (cosine to the single-text vector above 0.999 on MiniLM).</summary>
    DynamicInt8,
}

using MLNetContextual.Onnx;

namespace MLNetContextual;

/// <summary>Writes a fitted <see cref="ContextualEmbeddingTransformer"/> as one ONNX graph, so that ONNX Runtime in any
/// language (or another ONNX engine) gives the same vectors.</summary>
public static class ContextualEmbeddingExport
{
    /// <summary>
    /// Writes the transform's encoder and everything it does after it (the layer mix, the pooling under the attention mask,
    /// the L2 normalisation when <see cref="ContextualEmbeddingTransformer.Normalize"/> is set) as one ONNX model:
    /// inputs <c>input_ids</c>, <c>attention_mask</c>, <c>token_type_ids</c> (int64 [batch, sequence]; padding has mask
    /// 0), output <c>sentence_embedding</c> (float [batch, dimension]). Tokenization stays outside the graph: use the
    /// encoder's WordPiece vocabulary with at most <see cref="EncoderOptions.MaxTokens"/> tokens per text, [CLS] and [SEP]
    /// included (<c>ml.Transforms.Text.TokenizeForTransformer</c> gives the same ids). A quantized encoder
    /// (<see cref="ContextualEncoder.Quantize"/>) is exported with its int8 weights (standard ONNX operators).
    /// </summary>
    /// <param name="transformer">A fitted (or loaded) embedding transformer over an ONNX Runtime encoder.</param>
    /// <param name="stream">Where the model is written; left open.</param>
    /// <exception cref="NotSupportedException">The encoder is not run by ONNX Runtime, the text is encoded as windows
    /// (<see cref="LongTextHandling.Windows"/>), or the pooling is the encoder's own.</exception>
    public static void ExportToOnnx(this ContextualEmbeddingTransformer transformer, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        ArgumentNullException.ThrowIfNull(stream);
        var embedder = transformer.Embedder;
        using var use = embedder.Encoder.Enter();
        var encoder = transformer.Encoder;
        if (encoder is not BertOnnxEncoder onnx || embedder.Encoder.Tokens is not OnnxBertSession session)
            throw new NotSupportedException(
                $"Encoder '{encoder.Name}' ({encoder.Kind}) cannot be exported to ONNX: only encoders run by ONNX Runtime can (ContextualEncoder.MiniLM, ContextualEncoder.FromOnnx).");
        if (transformer.LongText == LongTextHandling.Windows)
            throw new NotSupportedException(
                "LongText Windows cannot be exported to ONNX: the windows are cut and pooled outside the encoder. Export a transform with LongText Truncate (the default).");
        if (transformer.Pooling is not (ContextualPooling.Mean or ContextualPooling.Cls or ContextualPooling.Max))
            throw new NotSupportedException($"Pooling {transformer.Pooling} cannot be exported to ONNX; valid: Mean, Cls, Max.");

        var layers = embedder.Encoder.Layers.Select(session.OutputName).ToArray();
        byte[] graph = EmbeddingGraph.Build(onnx.Model.ReadAll(), layers, embedder.Encoder.Coefficients, transformer.Pooling,
            transformer.Normalize, transformer.Dimension);
        stream.Write(graph);
    }

    /// <summary>Writes the ONNX model of <see cref="ExportToOnnx(ContextualEmbeddingTransformer, Stream)"/> to the file <paramref name="path"/>.</summary>
    public static void ExportToOnnx(this ContextualEmbeddingTransformer transformer, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = File.Create(path);
        transformer.ExportToOnnx(file);
    }
}

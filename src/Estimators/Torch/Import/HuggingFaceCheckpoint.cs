using System.Collections;
using System.Text.Json;
using static TorchSharp.torch;

namespace MLNetContextual.Torch.Import;

/// <summary>
/// Reads a Hugging Face BERT folder: config.json plus model.safetensors (single or sharded through
/// model.safetensors.index.json) or pytorch_model.bin. Keys are brought to <see cref="BertModel"/>'s names: the
/// "bert." prefix of task models is dropped, old TF-era LayerNorm names gamma/beta become weight/bias, and task heads
/// (cls., classifier., qa_outputs., ...) and the position_ids buffer are left out.
/// </summary>
internal static class HuggingFaceCheckpoint
{
    public const string ConfigFile = "config.json", SafetensorsFile = "model.safetensors", ShardIndexFile = "model.safetensors.index.json", PickleFile = "pytorch_model.bin";

    public static (BertConfig Config, Dictionary<string, WeightTensor> Weights, string Source) Read(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Hugging Face model folder '{folder}' does not exist.");
        string configPath = Path.Combine(folder, ConfigFile);
        if (!File.Exists(configPath)) throw new FileNotFoundException($"'{folder}' has no {ConfigFile}.", configPath);
        string json = File.ReadAllText(configPath);
        using (var doc = JsonDocument.Parse(json))
        {
            if (doc.RootElement.TryGetProperty("model_type", out var type) && type.GetString() is { } t && t != "bert")
                throw new NotSupportedException($"{configPath} says model_type '{t}'; only 'bert' checkpoints load into BertModel.");
            if (doc.RootElement.TryGetProperty("position_embedding_type", out var pe) && pe.GetString() is { } p && p != "absolute")
                throw new NotSupportedException($"{configPath} says position_embedding_type '{p}'; BertModel has absolute position embeddings only.");
        }
        var config = BertConfig.FromJson(json);

        string single = Path.Combine(folder, SafetensorsFile), index = Path.Combine(folder, ShardIndexFile), pickle = Path.Combine(folder, PickleFile);
        Dictionary<string, WeightTensor> raw;
        string source;
        if (File.Exists(single)) (raw, source) = (Safetensors.Read(single), single);
        else if (File.Exists(index)) (raw, source) = (ReadShards(folder, index), index);
        else if (File.Exists(pickle)) (raw, source) = (ReadPickle(pickle), pickle);
        else throw new FileNotFoundException($"'{folder}' has none of {SafetensorsFile}, {ShardIndexFile}, {PickleFile}.");
        return (config, Normalize(raw), source);
    }

    private static Dictionary<string, WeightTensor> ReadShards(string folder, string index)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(index));
        var all = new Dictionary<string, WeightTensor>(StringComparer.Ordinal);
        foreach (var shard in doc.RootElement.GetProperty("weight_map").EnumerateObject().Select(p => p.Value.GetString()).Distinct())
            foreach (var (k, v) in Safetensors.Read(Path.Combine(folder, shard))) all[k] = v;
        return all;
    }

    private static Dictionary<string, WeightTensor> ReadPickle(string path)
    {
        TorchRuntime.EnsureLoaded();
        Hashtable table = TorchSharp.PyBridge.PyTorchUnpickler.UnpickleStateDict(path);
        var weights = new Dictionary<string, WeightTensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in table)
        {
            using var t = (Tensor)e.Value;
            if (!t.is_floating_point()) continue;   // e.g. the int64 position_ids buffer
            using var f = t.to(float32).contiguous();
            weights[(string)e.Key] = new WeightTensor(t.shape, f.data<float>().ToArray());
        }
        return weights;
    }

    private static readonly string[] ModelRoots = ["embeddings.", "encoder.", "pooler."];

    /// <summary>HF names → BertModel names; keys outside the encoder (task heads) are dropped.</summary>
    internal static Dictionary<string, WeightTensor> Normalize(IReadOnlyDictionary<string, WeightTensor> raw)
    {
        var result = new Dictionary<string, WeightTensor>(StringComparer.Ordinal);
        foreach (var (name, w) in raw)
        {
            string key = name.StartsWith("bert.", StringComparison.Ordinal) ? name["bert.".Length..] : name;
            if (!ModelRoots.Any(key.StartsWith) || key == "embeddings.position_ids") continue;
            if (key.EndsWith(".gamma", StringComparison.Ordinal)) key = key[..^".gamma".Length] + ".weight";
            else if (key.EndsWith(".beta", StringComparison.Ordinal)) key = key[..^".beta".Length] + ".bias";
            if (!result.TryAdd(key, w))
                throw new InvalidDataException($"The checkpoint holds '{key}' twice (as '{name}' and under another name).");
        }
        return result;
    }
}

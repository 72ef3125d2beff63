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

    /// <summary>
    /// Reads config.json and the weights. The config is validated (types, ranges), then checked against the weights'
    /// shapes before any model is built from it; weights must be finite.
    /// </summary>
    /// <exception cref="InvalidDataException">A file is malformed or the config disagrees with the weights; the message names the file.</exception>
    public static (BertConfig Config, Dictionary<string, WeightTensor> Weights, string Source) Read(string folder)
    {
        var (config, configPath) = ReadFolderConfig(folder);
        string single = Path.Combine(folder, SafetensorsFile), index = Path.Combine(folder, ShardIndexFile), pickle = Path.Combine(folder, PickleFile);
        Dictionary<string, WeightTensor> raw;
        string source;
        if (File.Exists(single)) (raw, source) = (Safetensors.Read(single), single);
        else if (File.Exists(index)) (raw, source) = (ReadShards(folder, index), index);
        else if (File.Exists(pickle)) (raw, source) = (ReadPickle(pickle), pickle);
        else throw new FileNotFoundException($"'{folder}' has none of {SafetensorsFile}, {ShardIndexFile}, {PickleFile}.");
        var weights = Normalize(raw);
        WeightNames.CheckAgainstConfig(config, weights, $"{source} with {configPath}");
        return (config, weights, source);
    }

    /// <summary>The validated config.json of a Hugging Face BERT folder (see <see cref="ReadConfig(string)"/>) and its path.</summary>
    public static (BertConfig Config, string Path) ReadFolderConfig(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Hugging Face model folder '{folder}' does not exist.");
        string configPath = Path.Combine(folder, ConfigFile);
        if (!File.Exists(configPath)) throw new FileNotFoundException($"'{folder}' has no {ConfigFile}.", configPath);
        return (ReadConfig(configPath), configPath);
    }

    /// <summary>A Hugging Face BERT config.json (read by <see cref="HuggingFaceJson"/>: at most 16 MB, UTF-8): model_type
    /// "bert" when given, every field of the right type, valid sizes; absent fields take bert-base's values.</summary>
    internal static BertConfig ReadConfig(string configPath) => ReadConfig(HuggingFaceJson.ReadText(configPath), configPath);

    /// <summary>A config.json's text (see <see cref="ReadConfig(string)"/>); <paramref name="configPath"/> names it in errors.</summary>
    internal static BertConfig ReadConfig(string json, string configPath)
    {
        var file = HuggingFaceJson.Parse(json, configPath, "BERT config.json", "BERT settings");
        if (file.Root.TryGetProperty("model_type", out var type) && (type.ValueKind != JsonValueKind.String || type.GetString() != "bert"))
            throw new NotSupportedException($"{configPath} says model_type {type.GetRawText()}; only \"bert\" checkpoints load into BertModel.");
        if (file.Root.TryGetProperty("position_embedding_type", out var pe) && (pe.ValueKind != JsonValueKind.String || pe.GetString() != "absolute"))
            throw new NotSupportedException($"{configPath} says position_embedding_type {pe.GetRawText()}; BertModel has absolute position embeddings only.");
        return WeightNames.Validated(file.Deserialize<BertConfig>(), configPath);
    }

    private static Dictionary<string, WeightTensor> ReadShards(string folder, string index)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(HuggingFaceJson.ReadText(index)); }
        catch (JsonException e) { throw new InvalidDataException($"{index} is not valid JSON: line {(e.LineNumber ?? 0) + 1}, byte {e.BytePositionInLine ?? 0}.", e); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{index}: expected an object with a \"weight_map\" object (tensor name → shard file); found none.");
            var all = new Dictionary<string, WeightTensor>(StringComparer.Ordinal);
            var expected = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in map.EnumerateObject())
            {
                string shard = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : null;
                if (string.IsNullOrEmpty(shard) || shard != Path.GetFileName(shard) || shard is "." or "..")
                    throw new InvalidDataException($"{index}: weight '{p.Name}' maps to {p.Value.GetRawText()}; expected the file name of a shard in the same folder.");
                expected[p.Name] = shard;
            }
            foreach (var shard in expected.Values.Distinct())
                foreach (var (k, v) in Safetensors.Read(Path.Combine(folder, shard)))
                {
                    if (!expected.TryGetValue(k, out var owner) || owner != shard)
                        throw new InvalidDataException($"Shard '{shard}' holds '{k}', which {index} {(owner == null ? "does not list" : $"maps to '{owner}'")}.");
                    all[k] = v;
                }
            var missing = expected.Keys.Where(k => !all.ContainsKey(k)).Take(5).ToList();
            if (missing.Count > 0)
                throw new InvalidDataException($"{index} lists weights that no shard holds: {string.Join(", ", missing)}.");
            return all;
        }
    }

    /// <summary>
    /// pytorch_model.bin through TorchSharp.PyBridge's unpickler. Checked first: the file is a torch.save zip (magic
    /// "PK\x03\x04") whose entries fit in it; failures of the unpickler on a malformed file become an
    /// <see cref="InvalidDataException"/> naming the file; non-float tensors are skipped, float ones must be finite.
    /// </summary>
    internal static Dictionary<string, WeightTensor> ReadPickle(string path)
    {
        CheckTorchZip(path);
        TorchRuntime.EnsureLoaded();
        Hashtable table;
        try
        {
            table = TorchSharp.PyBridge.PyTorchUnpickler.UnpickleStateDict(path);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"'{path}' is not a readable PyTorch state dict: the unpickler failed with {e.GetType().Name}: {e.Message}", e);
        }
        var weights = new Dictionary<string, WeightTensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in table)
        {
            if (e.Key is not string key || e.Value is not Tensor t)
                throw new InvalidDataException($"'{path}' holds an entry {e.Key} of type {e.Value?.GetType().Name ?? "null"}; expected tensor names mapped to tensors.");
            using (t)
            {
                if (!t.is_floating_point()) continue;   // e.g. the int64 position_ids buffer
                using var f = t.to(float32).contiguous();
                weights[key] = new WeightTensor(t.shape, f.data<float>().ToArray());
            }
        }
        WeightNames.CheckFinite(weights, path);
        return weights;
    }

    /// <summary>torch.save's zip container: the magic, a readable central directory, and entries that fit in the file.</summary>
    internal static void CheckTorchZip(string path)
    {
        long length = new FileInfo(path).Length;
        Span<byte> magic = stackalloc byte[4];
        using (var f = File.OpenRead(path))
            if (f.ReadAtLeast(magic, 4, throwOnEndOfStream: false) != 4 || magic[0] != 'P' || magic[1] != 'K' || magic[2] != 3 || magic[3] != 4)
                throw new InvalidDataException(
                    $"'{path}' does not start with the zip magic \"PK\\x03\\x04\" of torch.save (PyTorch 1.6 and later); found {Convert.ToHexString(magic[..Math.Min(4, (int)length)])}. Legacy (pre-1.6) pickles are not read: re-save with torch.save or convert to safetensors.");
        try
        {
            using var zip = System.IO.Compression.ZipFile.OpenRead(path);
            var buffer = new byte[1 << 16];
            foreach (var entry in zip.Entries)
            {
                if (entry.CompressedLength > length)
                    throw new InvalidDataException($"Entry '{entry.FullName}' of '{path}' claims {entry.CompressedLength} bytes; the file has {length}.");
                // Inflate and check every entry's CRC-32 before the unpickler sees it (a corrupt data.pkl otherwise sends
                // it down slow paths). Deflate expands at most ~1032:1, so an entry may not claim more than that.
                if (entry.Length > 1100L * Math.Max(entry.CompressedLength, 1) + 4096)
                    throw new InvalidDataException($"Entry '{entry.FullName}' of '{path}' claims {entry.Length} bytes from {entry.CompressedLength} compressed; expected at most 1100 times as many.");
                uint crc = 0xFFFFFFFF;
                long read = 0;
                using (var s = entry.Open())
                {
                    int n;
                    while ((n = s.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        read += n;
                        if (read > entry.Length)
                            throw new InvalidDataException($"Entry '{entry.FullName}' of '{path}' inflates to more than the {entry.Length} bytes it claims.");
                        crc = Crc32(crc, buffer.AsSpan(0, n));
                    }
                }
                if (read != entry.Length || ~crc != entry.Crc32)
                    throw new InvalidDataException(
                        $"Entry '{entry.FullName}' of '{path}' is corrupt: expected {entry.Length} bytes with CRC-32 {entry.Crc32:X8}; found {read} bytes with CRC-32 {~crc:X8}.");
            }
            if (!zip.Entries.Any(e => e.FullName.EndsWith("data.pkl", StringComparison.Ordinal)))
                throw new InvalidDataException($"'{path}' is a zip without a data.pkl entry; expected a torch.save state dict.");
        }
        catch (InvalidDataException e) when (!e.Message.Contains(path, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"'{path}' is not a readable torch.save zip: {e.Message}", e);
        }
    }

    private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(i =>
    {
        uint c = (uint)i;
        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    private static uint Crc32(uint crc, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    private static readonly string[] ModelRoots = ["embeddings.", "encoder.", "pooler."];

    /// <summary>HF names → BertModel names; keys outside the encoder (task heads) are dropped.</summary>
    internal static Dictionary<string, WeightTensor> Normalize(IReadOnlyDictionary<string, WeightTensor> raw)
    {
        foreach (var name in raw.Keys)
            if (!WeightNames.IsWellFormed(name.StartsWith("bert.", StringComparison.Ordinal) ? name["bert.".Length..] : name))
                throw new InvalidDataException($"Weight '{name}': expected \"encoder.layer.N.…\" with N from 0 to {WeightNames.MaxLayers - 1}.");
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

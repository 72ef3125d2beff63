using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MLNetContextual.Torch.Import;

/// <summary>
/// The safetensors format: an 8-byte little-endian header length, a JSON header mapping each name to
/// {dtype, shape, data_offsets [begin, end)} (offsets relative to the end of the header), then the raw data.
/// Reads F32, F16, BF16 and F64 as float32; writes F32.
/// </summary>
internal static class Safetensors
{
    public static Dictionary<string, WeightTensor> Read(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        long fileLength = RandomAccess.GetLength(handle);
        Span<byte> lengthBytes = stackalloc byte[8];
        if (fileLength < 8 || RandomAccess.Read(handle, lengthBytes, 0) != 8)
            throw new InvalidDataException($"'{path}' is not a safetensors file: shorter than its 8-byte header length.");
        long headerLength = BitConverter.ToInt64(lengthBytes);
        if (headerLength <= 0 || 8 + headerLength > fileLength || headerLength > 100_000_000)
            throw new InvalidDataException($"'{path}' is not a safetensors file: header length {headerLength} does not fit a {fileLength}-byte file.");
        var header = new byte[headerLength];
        RandomAccess.Read(handle, header, 8);
        long dataStart = 8 + headerLength;

        var weights = new Dictionary<string, WeightTensor>(StringComparer.Ordinal);
        using var json = JsonDocument.Parse(header);
        foreach (var entry in json.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__") continue;
            string dtype = entry.Value.GetProperty("dtype").GetString();
            long[] shape = entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            long count = shape.Aggregate(1L, (a, d) => a * d);
            int size = dtype switch
            {
                "F32" => 4, "F16" or "BF16" => 2, "F64" => 8,
                _ => throw new InvalidDataException($"Tensor '{entry.Name}' in '{path}' has dtype {dtype}; only F32, F16, BF16 and F64 are read."),
            };
            if (offsets.Length != 2 || offsets[1] - offsets[0] != count * size || dataStart + offsets[1] > fileLength)
                throw new InvalidDataException($"Tensor '{entry.Name}' in '{path}': data_offsets [{string.Join(", ", offsets)}] do not fit {dtype} shape [{string.Join(", ", shape)}].");
            var raw = new byte[offsets[1] - offsets[0]];
            RandomAccess.Read(handle, raw, dataStart + offsets[0]);
            float[] data = dtype switch
            {
                "F32" => MemoryMarshal.Cast<byte, float>(raw).ToArray(),
                "F16" => Convert(MemoryMarshal.Cast<byte, Half>(raw), h => (float)h),
                "BF16" => Convert(MemoryMarshal.Cast<byte, ushort>(raw), b => BitConverter.Int32BitsToSingle(b << 16)),
                _ => Convert(MemoryMarshal.Cast<byte, double>(raw), d => (float)d),
            };
            weights[entry.Name] = new WeightTensor(shape, data);
        }
        return weights;
    }

    private static float[] Convert<T>(ReadOnlySpan<T> source, Func<T, float> f)
    {
        var result = new float[source.Length];
        for (int i = 0; i < source.Length; i++) result[i] = f(source[i]);
        return result;
    }

    /// <summary>Writes F32 tensors in name order, with an optional __metadata__ map.</summary>
    public static void Write(string path, IReadOnlyDictionary<string, WeightTensor> weights, IReadOnlyDictionary<string, string> metadata = null)
    {
        var header = new JsonObject();
        if (metadata != null)
            header["__metadata__"] = new JsonObject(metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode)kv.Value)));
        long offset = 0;
        var names = weights.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
        foreach (var name in names)
        {
            long bytes = weights[name].Data.LongLength * 4;
            header[name] = new JsonObject
            {
                ["dtype"] = "F32",
                ["shape"] = new JsonArray(weights[name].Shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        int pad = (8 - headerBytes.Length % 8) % 8;   // keep the data 8-byte aligned, as the reference writer does
        headerBytes = [.. headerBytes, .. Enumerable.Repeat((byte)' ', pad)];

        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        stream.Write(BitConverter.GetBytes((long)headerBytes.Length));
        stream.Write(headerBytes);
        foreach (var name in names) stream.Write(MemoryMarshal.AsBytes(weights[name].Data.AsSpan()));
    }
}

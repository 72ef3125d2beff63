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
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    /// <summary>The largest JSON header read (the reference implementation's limit is 100 MB).</summary>
    internal const long MaxHeaderBytes = 100_000_000;

    /// <summary>
    /// Reads every tensor. Checked before anything is allocated: the header length against the file, each tensor's
    /// dtype, shape (non-negative, product within one array) and [begin, end) against its dtype and the data section; the
    /// data section must be covered exactly (no holes, no overlaps, nothing after the last tensor), as the reference
    /// implementation requires. Values must be finite.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a well-formed safetensors file; the message names the file, the tensor or byte offset, what was expected and what was found.</exception>
    public static Dictionary<string, WeightTensor> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Could not find the safetensors file '{path}'.", path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream, path);
    }

    /// <summary>Reads every tensor from a seekable stream (see <see cref="Read(string)"/>); <paramref name="path"/> names it in errors.</summary>
    public static Dictionary<string, WeightTensor> Read(Stream handle, string path)
    {
        long fileLength = handle.Length;
        Span<byte> lengthBytes = stackalloc byte[8];
        if (fileLength < 8 || ReadAt(handle, lengthBytes, 0) != 8)
            throw new InvalidDataException($"'{path}' is not a safetensors file: expected an 8-byte header length; found a {fileLength}-byte file.");
        long headerLength = BitConverter.ToInt64(lengthBytes);
        if (headerLength < 2 || headerLength > fileLength - 8 || headerLength > MaxHeaderBytes)
            throw new InvalidDataException(
                $"'{path}' is not a safetensors file: byte 0 holds a header length of {headerLength}; expected 2 to {Math.Min(fileLength - 8, MaxHeaderBytes)} for a {fileLength}-byte file.");
        var header = new byte[headerLength];
        ReadExactly(handle, header, 8, path);
        long dataStart = 8 + headerLength, dataLength = fileLength - dataStart;

        try
        {
            StrictUtf8.GetCharCount(header);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException($"The header of '{path}' (bytes 8 to {dataStart}) is not UTF-8: invalid bytes at header byte {e.Index}; expected UTF-8 JSON.", e);
        }
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The header of '{path}' (bytes 8 to {dataStart}) is not valid JSON: line {e.LineNumber + 1}, byte {e.BytePositionInLine}: {e.Message}", e);
        }
        using (json)
        {
            if (json.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"The header of '{path}' is a JSON {json.RootElement.ValueKind}; expected an object mapping tensor names to {{dtype, shape, data_offsets}}.");
            var entries = new List<(string Name, string Dtype, long[] Shape, long Begin, long End, int Size)>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in json.RootElement.EnumerateObject())
            {
                if (!names.Add(entry.Name))
                    throw new InvalidDataException($"The header of '{path}' names the tensor '{entry.Name}' twice.");
                if (entry.Name == "__metadata__") continue;
                entries.Add(ParseEntry(entry, path, dataLength));
            }

            // The data section must be covered exactly: sorted by begin, each tensor starts where the previous ended.
            long covered = 0;
            foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
            {
                if (e.Begin != covered)
                    throw new InvalidDataException(
                        $"Tensor '{e.Name}' in '{path}' starts at data byte {e.Begin}; expected {covered} (tensors must cover the data section without holes or overlaps).");
                covered = e.End;
            }
            if (covered != dataLength)
                throw new InvalidDataException(
                    $"'{path}' has {dataLength - covered} bytes after its last tensor (data byte {covered}, file byte {dataStart + covered}): expected the end of the file.");

            var weights = new Dictionary<string, WeightTensor>(StringComparer.Ordinal);
            foreach (var (name, dtype, shape, begin, end, size) in entries)
            {
                var raw = new byte[end - begin];
                ReadExactly(handle, raw, dataStart + begin, path);
                float[] data = dtype switch
                {
                    "F32" => MemoryMarshal.Cast<byte, float>(raw).ToArray(),
                    "F16" => Convert(MemoryMarshal.Cast<byte, Half>(raw), h => (float)h),
                    "BF16" => Convert(MemoryMarshal.Cast<byte, ushort>(raw), b => BitConverter.Int32BitsToSingle(b << 16)),
                    _ => Convert(MemoryMarshal.Cast<byte, double>(raw), d => (float)d),
                };
                for (int i = 0; i < data.Length; i++)
                    if (!float.IsFinite(data[i]))
                        throw new InvalidDataException($"Tensor '{name}' in '{path}': value {i} (file byte {dataStart + begin + (long)i * size}) is {data[i]}; expected finite weights.");
                weights[name] = new WeightTensor(shape, data);
            }
            return weights;
        }
    }

    private static (string, string, long[], long, long, int) ParseEntry(JsonProperty entry, string path, long dataLength)
    {
        string where = $"Tensor '{entry.Name}' in the header of '{path}'";
        var v = entry.Value;
        if (v.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{where} is a JSON {v.ValueKind}; expected an object {{dtype, shape, data_offsets}}.");
        JsonElement Get(string key, JsonValueKind kind) =>
            v.TryGetProperty(key, out var p) && p.ValueKind == kind ? p
                : throw new InvalidDataException($"{where}: expected '{key}' as a JSON {kind}; found {(v.TryGetProperty(key, out var q) ? q.ValueKind.ToString() : "nothing")}.");
        long[] Longs(string key) => Get(key, JsonValueKind.Array).EnumerateArray()
            .Select(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long x) && x >= 0 ? x
                : throw new InvalidDataException($"{where}: expected '{key}' to hold non-negative integers; found {e.GetRawText()}.")).ToArray();
        string dtype = Get("dtype", JsonValueKind.String).GetString();
        int size = dtype switch
        {
            "F32" => 4, "F16" or "BF16" => 2, "F64" => 8,
            _ => throw new InvalidDataException($"{where} has dtype {dtype}; only F32, F16, BF16 and F64 are read."),
        };
        long[] shape = Longs("shape");
        long[] offsets = Longs("data_offsets");
        Int128 count = 1;
        foreach (long d in shape)
        {
            count *= d;
            if (count > Array.MaxLength)
                throw new InvalidDataException($"{where} has shape [{string.Join(", ", shape)}]: expected at most {Array.MaxLength} elements.");
        }
        if (offsets.Length != 2 || offsets[1] < offsets[0] || offsets[1] > dataLength || offsets[1] - offsets[0] != count * size)
            throw new InvalidDataException(
                $"{where}: data_offsets [{string.Join(", ", offsets)}] do not fit {dtype} shape [{string.Join(", ", shape)}] ({count * size} bytes) in the {dataLength}-byte data section.");
        return (entry.Name, dtype, shape, offsets[0], offsets[1], size);
    }

    private static int ReadAt(Stream stream, Span<byte> buffer, long offset)
    {
        stream.Position = offset;
        return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
    }

    private static void ReadExactly(Stream handle, Span<byte> buffer, long offset, string path)
    {
        while (!buffer.IsEmpty)
        {
            int n = ReadAt(handle, buffer, offset);
            if (n <= 0) throw new InvalidDataException($"'{path}' ended at byte {offset}, {buffer.Length} bytes short.");
            buffer = buffer[n..];
            offset += n;
        }
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

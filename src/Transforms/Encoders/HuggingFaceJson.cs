using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MLNetContextual;

/// <summary>
/// One JSON settings file of a Hugging Face model folder (<c>config.json</c>, <c>tokenizer_config.json</c>), read the
/// one way every loader of the library reads it: at most <see cref="MaxBytes"/>, UTF-8 (a byte order mark is skipped),
/// an object at the top. Errors are <see cref="InvalidDataException"/>s that name the file and, for a field, the field,
/// what was expected and what was found. A field that is absent reads as null: <c>save_pretrained</c> leaves out
/// values equal to the model type's defaults, so the caller's defaults apply.
/// </summary>
internal sealed class HuggingFaceJson
{
    /// <summary>The largest file read.</summary>
    public const long MaxBytes = 16 << 20;

    private HuggingFaceJson(string path, string what, string text, JsonElement root)
    {
        Path = path;
        What = what;
        Text = text;
        Root = root;
    }

    /// <summary>The file, as named in errors.</summary>
    public string Path { get; }
    /// <summary>What the file should be, as named in errors (e.g. "BERT config.json").</summary>
    public string What { get; }
    /// <summary>The JSON text.</summary>
    public string Text { get; }
    /// <summary>The top-level object.</summary>
    public JsonElement Root { get; }

    /// <summary>Reads and parses <paramref name="path"/>; a missing file is a <see cref="FileNotFoundException"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="what">What it should be, for errors (e.g. "BERT config.json").</param>
    /// <param name="expected">What the top-level object holds, for errors (e.g. "BERT settings").</param>
    public static HuggingFaceJson Read(string path, string what, string expected = "settings")
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{what} '{path}' does not exist.", path);
        return Parse(ReadText(path), path, what, expected);
    }

    /// <summary>Parses JSON text that came from <paramref name="path"/> (see <see cref="Read"/>).</summary>
    public static HuggingFaceJson Parse(string text, string path, string what, string expected = "settings")
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{path} is a JSON {doc.RootElement.ValueKind}; expected an object of {expected}.");
            return new HuggingFaceJson(path, what, text, doc.RootElement.Clone());
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a valid {what}: {Where(e)}: {e.Message.Split(" Path:")[0].Split(" LineNumber:")[0]}", e);
        }
    }

    /// <summary>The first file named <paramref name="fileName"/> in <paramref name="folders"/> that holds
    /// <paramref name="field"/>; null when none does. Every such file found on the way must be valid JSON.</summary>
    public static HuggingFaceJson Find(IEnumerable<string> folders, string fileName, string field)
    {
        foreach (var folder in folders)
        {
            string path = System.IO.Path.Combine(folder, fileName);
            if (!File.Exists(path))
                continue;
            var file = Parse(ReadText(path), path, fileName);
            if (file.Has(field))
                return file;
        }
        return null;
    }

    /// <summary>A JSON file's text: at most <see cref="MaxBytes"/>, UTF-8 with a byte order mark skipped.</summary>
    public static string ReadText(string path)
    {
        long length = new FileInfo(path).Length;
        if (length > MaxBytes)
            throw new InvalidDataException($"{path} is {length} bytes; expected a JSON file of at most {MaxBytes} bytes.");
        return Decode(File.ReadAllBytes(path), path);
    }

    /// <summary>UTF-8 text with a byte order mark skipped; not UTF-8 is an error naming <paramref name="path"/>.</summary>
    public static string Decode(byte[] bytes, string path)
    {
        int skip = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        try
        {
            return new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, skip, bytes.Length - skip);
        }
        catch (System.Text.DecoderFallbackException)
        {
            throw new InvalidDataException($"{path} is not UTF-8 text; expected JSON.");
        }
    }

    /// <summary>Whether the top-level object has <paramref name="field"/> (null values included).</summary>
    public bool Has(string field) => Root.TryGetProperty(field, out _);

    /// <summary>A whole-number field from <paramref name="min"/> to <paramref name="max"/>; null when absent.</summary>
    public int? Int32(string field, int min = int.MinValue, int max = int.MaxValue)
    {
        if (!Root.TryGetProperty(field, out var v))
            return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int n) || n < min || n > max)
            throw Invalid(field, v, min == int.MinValue && max == int.MaxValue ? "a whole number" : $"a whole number from {min} to {max}");
        return n;
    }

    /// <summary>A true/false field; null when absent.</summary>
    public bool? Boolean(string field)
    {
        if (!Root.TryGetProperty(field, out var v))
            return null;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Invalid(field, v, "true or false"),
        };
    }

    /// <summary>A text field; null when absent.</summary>
    public string String(string field)
    {
        if (!Root.TryGetProperty(field, out var v))
            return null;
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw Invalid(field, v, "a string");
    }

    /// <summary>
    /// Deserializes the object as <typeparamref name="T"/> after checking each field <typeparamref name="T"/> declares
    /// with <see cref="JsonPropertyNameAttribute"/> (int, double, bool, string): a wrong type, a null or a number out of
    /// range names the field; absent fields keep <typeparamref name="T"/>'s defaults, unknown ones are ignored.
    /// </summary>
    public T Deserialize<T>(JsonSerializerOptions options = null) where T : class
    {
        foreach (var p in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            string field = p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name;
            if (field == null || p.GetCustomAttribute<JsonIgnoreAttribute>() != null || !Root.TryGetProperty(field, out var v))
                continue;
            var type = p.PropertyType;
            if (type == typeof(int))
                Int32(field);
            else if (type == typeof(bool))
                Boolean(field);
            else if (type == typeof(string))
                String(field);
            else if (type == typeof(double) && (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out double d) || !double.IsFinite(d)))
                throw Invalid(field, v, "a finite number");
        }
        try
        {
            return JsonSerializer.Deserialize<T>(Text, options) ?? throw new InvalidDataException($"{Path} is empty; expected a {What}.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{Path} is not a valid {What}: {Where(e)}: {e.Message.Split(" Path:")[0]}", e);
        }
    }

    private InvalidDataException Invalid(string field, JsonElement value, string expected)
    {
        string found = value.GetRawText();
        if (found.Length > 40)
            found = found[..40] + "…";
        return new InvalidDataException($"{Path} is not a valid {What}: {field} is {found}; expected {expected}.");
    }

    private static string Where(JsonException e) =>
        $"line {(e.LineNumber ?? 0) + 1}, byte {e.BytePositionInLine ?? 0}{(string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $", at {e.Path}")}";
}

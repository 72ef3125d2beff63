using System.Text;
using System.Text.Json;

namespace MLNetContextual;

/// <summary>
/// Where a <see cref="ContextualEncoder"/> saves itself inside the ML.NET zip: a small JSON config and named blobs
/// (weights, vocabularies). Each blob's SHA-256 is recorded and checked when the zip is loaded.
/// </summary>
public sealed class EncoderWriter
{
    private readonly ModelWriter _writer;
    private readonly string _prefix;

    internal EncoderWriter(ModelWriter writer, string prefix, bool selfContained)
    {
        _writer = writer;
        _prefix = prefix;
        SelfContained = selfContained;
    }

    /// <summary>Whether the zip must hold every weight itself; false lets an encoder that ships inside a package (the
    /// embedded MiniLM) be saved as a reference to it (its name and SHA-256) instead of a copy.</summary>
    public bool SelfContained { get; }

    /// <summary>Writes <paramref name="config"/> as JSON (System.Text.Json, public properties).</summary>
    public void WriteConfig<T>(T config) =>
        _writer.WriteBlob(_prefix + "config.json", w => w.Write(JsonSerializer.SerializeToUtf8Bytes(config, Json.Options)));

    /// <summary>Writes a blob named <paramref name="name"/> (letters, digits, '.', '_', '-').</summary>
    public void WriteBlob(string name, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        _writer.WriteBlob(_prefix + Json.CheckName(name), w =>
        {
            w.Flush();
            write(w.BaseStream);
        });
    }

    /// <summary>Writes <paramref name="bytes"/> as the blob <paramref name="name"/>.</summary>
    public void WriteBlob(string name, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        WriteBlob(name, s => s.Write(bytes));
    }

    /// <summary>Writes the content of the stream <paramref name="open"/> returns, without holding it in memory.</summary>
    public void WriteBlob(string name, Func<Stream> open) => _writer.WriteBlob(_prefix + Json.CheckName(name), open);

    internal static class Json
    {
        public static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

        public static string CheckName(string name)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
                throw new ArgumentException($"Blob name '{name}' may hold only letters, digits, '.', '_' and '-'.", nameof(name));
            return name;
        }

        public static T Read<T>(byte[] bytes, string what)
        {
            try
            {
                return JsonSerializer.Deserialize<T>(bytes, Options)
                    ?? throw new InvalidDataException($"The saved model's {what} is empty.");
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"The saved model's {what} is not valid JSON for {typeof(T).Name}: {e.Message}", e);
            }
        }
    }
}

/// <summary>Reads back what a <see cref="ContextualEncoder"/> wrote through <see cref="EncoderWriter"/>.</summary>
public sealed class EncoderReader
{
    private readonly ModelReader _reader;
    private readonly string _prefix;

    internal EncoderReader(ModelReader reader, string prefix, string kind, int formatVersion)
    {
        _reader = reader;
        _prefix = prefix;
        Kind = kind;
        FormatVersion = formatVersion;
    }

    /// <summary>The encoder kind recorded in the zip.</summary>
    public string Kind { get; }

    /// <summary>The <see cref="ContextualEncoder.FormatVersion"/> the encoder had when it was saved.</summary>
    public int FormatVersion { get; }

    /// <summary>The config written by <see cref="EncoderWriter.WriteConfig{T}"/>.</summary>
    public T ReadConfig<T>() => EncoderWriter.Json.Read<T>(ReadBlob("config.json"), $"{Kind} encoder config");

    /// <summary>The bytes of blob <paramref name="name"/> (checksum verified); throws when the zip lacks it.</summary>
    public byte[] ReadBlob(string name) => _reader.ReadBlobBytes(_prefix + EncoderWriter.Json.CheckName(name));

    /// <summary>Blob <paramref name="name"/> as a read-only stream (checksum verified).</summary>
    public Stream OpenBlob(string name) => new MemoryStream(ReadBlob(name), writable: false);

    /// <summary>Throws the standard error for a format version this loader cannot read.</summary>
    public void RequireFormatVersion(int min, int max)
    {
        if (FormatVersion < min || FormatVersion > max)
            throw new InvalidDataException(
                $"Encoder '{Kind}' was saved with format version {FormatVersion}; this version of its package reads versions {min}–{max}. " +
                (FormatVersion > max ? "Update the package that provides it." : "Re-save the model with an older release first."));
    }
}

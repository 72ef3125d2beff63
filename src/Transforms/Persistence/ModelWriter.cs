using System.Security.Cryptography;
using Microsoft.ML;

namespace MLNetContextual;

/// <summary>
/// What a transformer writes into the ML.NET model zip: small settings through <see cref="Writer"/> and large blobs
/// (weights, vocabularies) as separate zip entries through <see cref="WriteBlob(string, Action{BinaryWriter})"/>. The
/// SHA-256 of every blob is recorded (<see cref="Checksums"/>) and verified by <see cref="ModelReader"/>.
/// </summary>
internal sealed class ModelWriter
{
    private readonly ModelSaveContext _ctx;

    internal ModelWriter(ModelSaveContext ctx) => _ctx = ctx;

    /// <summary>The transformer's own settings stream.</summary>
    public BinaryWriter Writer => _ctx.Writer;

    /// <summary>Blob name → SHA-256 (hex) of what was written.</summary>
    public Dictionary<string, string> Checksums { get; } = new(StringComparer.Ordinal);

    /// <summary>Writes <paramref name="write"/>'s bytes as the zip entry <paramref name="name"/>.</summary>
    public void WriteBlob(string name, Action<BinaryWriter> write)
    {
        if (Checksums.ContainsKey(name))
            throw new InvalidOperationException($"Blob '{name}' is written twice.");
        _ctx.SaveBinaryStream(name, w =>
        {
            w.Flush();
            using var hashing = new HashingStream(w.BaseStream);
            using (var bw = new BinaryWriter(hashing, System.Text.Encoding.UTF8, leaveOpen: true))
                write(bw);
            Checksums[name] = hashing.Finish();
        });
    }

    /// <summary>Writes <paramref name="value"/> as a JSON entry (a component's small, versioned settings).</summary>
    public void WriteJson<T>(string name, T value) =>
        WriteBlob(name, w => w.Write(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(value, EncoderWriter.Json.Options)));

    /// <summary>Writes a stream's content as the zip entry <paramref name="name"/> without holding it in memory.</summary>
    public void WriteBlob(string name, Func<Stream> open) => WriteBlob(name, w =>
    {
        using var source = open();
        w.Flush();
        source.CopyTo(w.BaseStream);
    });

    /// <summary>Writes through to a stream while hashing what passes.</summary>
    private sealed class HashingStream(Stream inner) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public string Finish() => Convert.ToHexString(_hash.GetHashAndReset());

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.AppendData(buffer);
            inner.Write(buffer);
        }
        public override void WriteByte(byte value) => Write([value]);
        public override void Flush() => inner.Flush();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _hash.Dispose();
            base.Dispose(disposing);
        }
    }
}

/// <summary>Reads back what <see cref="ModelWriter"/> wrote, verifying each blob against its recorded SHA-256.</summary>
internal sealed class ModelReader
{
    private readonly ModelLoadContext _ctx;
    private readonly IReadOnlyDictionary<string, string> _checksums;

    internal ModelReader(ModelLoadContext ctx, int formatVersion, string component, IReadOnlyDictionary<string, string> checksums)
    {
        _ctx = ctx;
        FormatVersion = formatVersion;
        Component = component;
        _checksums = checksums;
    }

    /// <summary>The format version the transformer recorded when it was saved.</summary>
    public int FormatVersion { get; }

    /// <summary>The stable id of the component being loaded (for messages).</summary>
    public string Component { get; }

    /// <summary>The transformer's own settings stream.</summary>
    public BinaryReader Reader => _ctx.Reader;

    /// <summary>Reads the zip entry <paramref name="name"/> (verified); throws if the model file lacks it.</summary>
    public void ReadBlob(string name, Action<BinaryReader> read)
    {
        using var r = new BinaryReader(new MemoryStream(ReadBlobBytes(name), writable: false));
        read(r);
    }

    /// <summary>Reads a JSON entry written by <see cref="ModelWriter.WriteJson{T}"/>.</summary>
    public T ReadJson<T>(string name) => EncoderWriter.Json.Read<T>(ReadBlobBytes(name), $"'{name}' of {Component}");

    /// <summary>The bytes of the zip entry <paramref name="name"/>, checked against the SHA-256 recorded at save time
    /// (zips of the first format recorded none).</summary>
    public byte[] ReadBlobBytes(string name)
    {
        byte[] bytes = null;
        bool found;
        try
        {
            found = _ctx.TryLoadBinaryStream(name, r =>
            {
                using var m = new MemoryStream();
                r.BaseStream.CopyTo(m);
                bytes = m.ToArray();
            });
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"The saved model's '{name}' entry of {Component} cannot be read: {e.Message} The zip is corrupt.", e);
        }
        if (!found)
            throw new InvalidDataException($"The saved model lacks its '{name}' entry of {Component}; the zip is incomplete or corrupt.");
        if (_checksums != null)
        {
            if (!_checksums.TryGetValue(name, out var expected))
                throw new InvalidDataException($"The saved model's '{name}' entry of {Component} has no recorded checksum; the zip is corrupt.");
            string actual = Convert.ToHexString(SHA256.HashData(bytes));
            if (!string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
                throw new InvalidDataException(
                    $"The saved model's '{name}' entry of {Component} is corrupt: its SHA-256 is {actual}, the zip recorded {expected} when it was saved.");
        }
        return bytes;
    }
}

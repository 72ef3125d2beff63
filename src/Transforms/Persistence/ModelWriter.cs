using Microsoft.ML;

namespace MLNetContextual;

/// <summary>
/// What a transformer writes into the ML.NET model zip: small settings through <see cref="Writer"/> and large blobs
/// (weights, vocabularies) as separate zip entries through <see cref="WriteBlob"/>.
/// </summary>
internal sealed class ModelWriter
{
    private readonly ModelSaveContext _ctx;

    internal ModelWriter(ModelSaveContext ctx) => _ctx = ctx;

    /// <summary>The transformer's own settings stream.</summary>
    public BinaryWriter Writer => _ctx.Writer;

    /// <summary>Writes <paramref name="write"/>'s bytes as the zip entry <paramref name="name"/>.</summary>
    public void WriteBlob(string name, Action<BinaryWriter> write) => _ctx.SaveBinaryStream(name, write);

    /// <summary>Writes a stream's content as the zip entry <paramref name="name"/> without holding it in memory.</summary>
    public void WriteBlob(string name, Func<Stream> open) => _ctx.SaveBinaryStream(name, w =>
    {
        using var source = open();
        w.Flush();
        source.CopyTo(w.BaseStream);
    });
}

/// <summary>Reads back what <see cref="ModelWriter"/> wrote.</summary>
internal sealed class ModelReader
{
    private readonly ModelLoadContext _ctx;

    internal ModelReader(ModelLoadContext ctx, int formatVersion)
    {
        _ctx = ctx;
        FormatVersion = formatVersion;
    }

    /// <summary>The format version the transformer recorded when it was saved.</summary>
    public int FormatVersion { get; }

    /// <summary>The transformer's own settings stream.</summary>
    public BinaryReader Reader => _ctx.Reader;

    /// <summary>Reads the zip entry <paramref name="name"/>; throws if the model file lacks it.</summary>
    public void ReadBlob(string name, Action<BinaryReader> read)
    {
        if (!_ctx.TryLoadBinaryStream(name, read))
            throw new InvalidDataException($"The saved model lacks its '{name}' entry; the zip is incomplete or corrupt.");
    }

    /// <summary>The bytes of the zip entry <paramref name="name"/>.</summary>
    public byte[] ReadBlobBytes(string name)
    {
        byte[] bytes = null;
        ReadBlob(name, r =>
        {
            using var m = new MemoryStream();
            r.BaseStream.CopyTo(m);
            bytes = m.ToArray();
        });
        return bytes;
    }
}

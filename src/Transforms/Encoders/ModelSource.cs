using System.Reflection;

namespace MLNetContextual;

/// <summary>
/// Where a model's bytes come from. Transformers keep a source, not the bytes: ONNX Runtime holds the one copy of the
/// weights in memory, and saving re-reads the source into the zip.
/// </summary>
internal abstract class ModelSource
{
    public abstract Stream Open();

    public byte[] ReadAll()
    {
        using var s = Open();
        if (s.CanSeek)
        {
            var bytes = new byte[s.Length];
            s.ReadExactly(bytes);
            return bytes;
        }
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }

    public static ModelSource FromFile(string path) => new FileSource(Path.GetFullPath(path));
    public static ModelSource FromResource(Assembly assembly, string name) => new ResourceSource(assembly, name);
    public static ModelSource FromBytes(byte[] bytes) => new BytesSource(bytes);

    private sealed class FileSource(string path) : ModelSource
    {
        public override Stream Open() => File.Exists(path)
            ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16)
            : throw new FileNotFoundException($"Model file '{path}' no longer exists; it is needed to save the model.", path);
        public override string ToString() => path;
    }

    private sealed class ResourceSource(Assembly assembly, string name) : ModelSource
    {
        public override Stream Open() => assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Resource '{name}' is missing from {assembly.GetName().Name}.");
        public override string ToString() => $"{assembly.GetName().Name}:{name}";
    }

    private sealed class BytesSource(byte[] bytes) : ModelSource
    {
        public override Stream Open() => new MemoryStream(bytes, writable: false);
        public override string ToString() => $"{bytes.Length} bytes";
    }
}

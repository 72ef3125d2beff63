using System.Reflection;

namespace MLNetContextual;

/// <summary>Where a model's bytes come from: a file, a manifest resource, or memory.</summary>
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
    public static ModelSource FromBytes(byte[] bytes, string origin = null) => new BytesSource(bytes, origin);

    internal sealed class FileSource(string path) : ModelSource
    {
        public override Stream Open() => File.Exists(path)
            ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16)
            : throw new FileNotFoundException($"Model file '{path}' does not exist.", path);
        public override string ToString() => path;
    }

    private sealed class ResourceSource(Assembly assembly, string name) : ModelSource
    {
        public override Stream Open() => assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Resource '{name}' is missing from {assembly.GetName().Name}.");
        public override string ToString() => $"{assembly.GetName().Name}:{name}";
    }

    private sealed class BytesSource(byte[] bytes, string origin) : ModelSource
    {
        public override Stream Open() => new MemoryStream(bytes, writable: false);
        public override string ToString() => origin ?? "the saved model";
    }
}

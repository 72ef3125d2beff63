using Microsoft.Win32.SafeHandles;

namespace MLNetContextual;

/// <summary>Scratch files of the GloVe learner: never left behind.</summary>
internal static class TempFile
{
    /// <summary>
    /// Creates an empty read-write file in <paramref name="directory"/> (null: the system's temporary folder) opened with
    /// <see cref="FileOptions.DeleteOnClose"/>. On Unix the name is also unlinked at once, so that not even a killed
    /// process leaves it behind; the open stream keeps the data until it is disposed.
    /// </summary>
    public static FileStream Create(string directory, string purpose)
    {
        string path = Path.Combine(directory ?? Path.GetTempPath(), $"mlnetctx-{purpose}-{Guid.NewGuid():N}.tmp");
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        if (!OperatingSystem.IsWindows())
        {
            try { File.Delete(path); }
            catch (IOException) { }   // DeleteOnClose still removes it when the stream is disposed
        }
        return stream;
    }

    /// <summary>Fills <paramref name="buffer"/> from <paramref name="offset"/> (positional read, safe from several threads at once).</summary>
    public static void ReadExactly(SafeFileHandle file, Span<byte> buffer, long offset)
    {
        while (!buffer.IsEmpty)
        {
            int n = RandomAccess.Read(file, buffer, offset);
            if (n <= 0) throw new EndOfStreamException($"Temporary file ended at byte {offset}, {buffer.Length} bytes short.");
            buffer = buffer[n..];
            offset += n;
        }
    }
}

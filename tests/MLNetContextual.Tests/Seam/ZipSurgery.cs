using System.IO.Compression;
using System.Text;

namespace MLNetContextual.Tests.Seam;

/// <summary>Edits a saved model zip in place, as corruption or a newer release would.</summary>
internal static class ZipSurgery
{
    /// <summary>Rewrites the header our loader writes in a component's Model.key: [id][assembly][format version].</summary>
    public static void RewriteHeader(string zipPath, string id, Func<(string Id, int Version), (string Id, int Version)> change)
    {
        Edit(zipPath, name => name.EndsWith("Model.key", StringComparison.Ordinal), bytes =>
        {
            byte[] pattern = [(byte)id.Length, .. Encoding.UTF8.GetBytes(id)];
            int at = IndexOf(bytes, pattern);
            if (at < 0)
                return null;
            int assemblyLength = bytes[at + pattern.Length];
            int versionAt = at + pattern.Length + 1 + assemblyLength;
            int version = BitConverter.ToInt32(bytes, versionAt);
            var (newId, newVersion) = change((id, version));
            var head = bytes[..at];
            var assembly = bytes[(at + pattern.Length)..versionAt];
            var tail = bytes[(versionAt + 4)..];
            return [.. head, (byte)newId.Length, .. Encoding.UTF8.GetBytes(newId), .. assembly, .. BitConverter.GetBytes(newVersion), .. tail];
        });
    }

    /// <summary>Flips one byte in the middle of the first entry whose name ends with <paramref name="suffix"/>.</summary>
    public static void FlipByte(string zipPath, string suffix) =>
        Edit(zipPath, name => name.EndsWith(suffix, StringComparison.Ordinal), bytes =>
        {
            bytes[bytes.Length / 2] ^= 0x5A;
            return bytes;
        }, firstOnly: true);

    /// <summary>Replaces the entry named <paramref name="name"/> (a blob of ours) and records the new bytes' SHA-256 in
    /// Checksums.txt, as a writer that saved bad bytes would have: the checksum passes, the content is wrong.</summary>
    public static void ReplaceBlob(string zipPath, string name, byte[] replacement)
    {
        Edit(zipPath, entry => entry.EndsWith("/" + name, StringComparison.Ordinal) || entry == name, _ => replacement);
        string hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(replacement));
        Edit(zipPath, entry => entry.EndsWith("Checksums.txt", StringComparison.Ordinal), bytes =>
        {
            var lines = Encoding.UTF8.GetString(bytes).Split('\n');
            bool Named(string line) => line.TrimStart('\uFEFF').StartsWith(name + "\t", StringComparison.Ordinal);
            if (!lines.Any(Named))
                return null;
            return Encoding.UTF8.GetBytes(string.Join('\n', lines.Select(l => Named(l) ? (l.StartsWith('\uFEFF') ? "\uFEFF" : "") + name + "\t" + hash : l)));
        });
    }

    private static void Edit(string zipPath, Func<string, bool> select, Func<byte[], byte[]> edit, bool firstOnly = false)
    {
        using var zip = ZipFile.Open(zipPath, ZipArchiveMode.Update);
        bool edited = false;
        foreach (var entry in zip.Entries.ToList())
        {
            if (!select(entry.FullName) || (firstOnly && edited))
                continue;
            byte[] bytes;
            using (var s = entry.Open())
            using (var m = new MemoryStream())
            {
                s.CopyTo(m);
                bytes = m.ToArray();
            }
            var changed = edit(bytes);
            if (changed == null)
                continue;
            string name = entry.FullName;
            entry.Delete();
            using (var s = zip.CreateEntry(name).Open())
                s.Write(changed);
            edited = true;
        }
        Assert.True(edited, "No zip entry was edited.");
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle))
                return i;
        return -1;
    }
}

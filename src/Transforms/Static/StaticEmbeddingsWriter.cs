using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace MLNetContextual;

/// <summary>Writes <see cref="StaticEmbeddings"/> in the word2vec text and binary formats.</summary>
internal static class StaticEmbeddingsWriter
{
    private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false);

    public static void WriteText(StaticEmbeddings embeddings, string path)
    {
        using var writer = new StreamWriter(path, false, Utf8, 1 << 16) { NewLine = "\n" };
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{embeddings.Count} {embeddings.Dimension}"));
        var line = new StringBuilder();
        for (int i = 0; i < embeddings.Count; i++)
        {
            line.Clear().Append(embeddings.RawWords[i]);
            foreach (float x in embeddings.Row(i))
                line.Append(' ').Append(x.ToString("R", CultureInfo.InvariantCulture));
            writer.WriteLine(line);
        }
    }

    public static void WriteBinary(StaticEmbeddings embeddings, string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        stream.Write(Utf8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{embeddings.Count} {embeddings.Dimension}\n")));
        var floats = new byte[4 * embeddings.Dimension];
        for (int i = 0; i < embeddings.Count; i++)
        {
            stream.Write(Utf8.GetBytes(embeddings.RawWords[i]));
            stream.WriteByte((byte)' ');
            var row = embeddings.Row(i);
            for (int d = 0; d < row.Length; d++)
                BinaryPrimitives.WriteSingleLittleEndian(floats.AsSpan(4 * d), row[d]);
            stream.Write(floats);
            stream.WriteByte((byte)'\n');
        }
    }
}

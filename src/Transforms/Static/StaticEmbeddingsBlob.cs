using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace MLNetContextual;

/// <summary>
/// The vector table as <see cref="StaticWordEmbeddingTransformer"/> keeps it in the model zip (entry
/// <c>StaticEmbeddings.bin</c>): int32 magic "SEMB", int32 count, int32 dimension, int32 source format (low byte:
/// <see cref="StaticEmbeddingsFormat"/>; bit 8 set when the table holds NaN or Infinity), count .NET length-prefixed
/// UTF-8 words, then count × dimension little-endian float32s, and nothing after them. The reader checks every size
/// against the bytes left before allocating (incrementally when the entry's length is unknown), rejects empty or
/// repeated words, a zero dimension, non-finite values the writer did not flag, and trailing bytes.
/// </summary>
internal static class StaticEmbeddingsBlob
{
    internal const int Magic = 0x53454D42;   // "SEMB"
    internal const int NonFiniteFlag = 0x100;
    private const int HeaderBytes = 16;
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    public static void Write(BinaryWriter w, StaticEmbeddings e)
    {
        bool nonFinite = false;
        foreach (float x in e.RawVectors)
            if (!float.IsFinite(x)) { nonFinite = true; break; }
        w.Write(Magic);
        w.Write(e.Count);
        w.Write(e.Dimension);
        w.Write((int)e.SourceFormat | (nonFinite ? NonFiniteFlag : 0));
        foreach (string word in e.RawWords) w.Write(word);
        w.Write(MemoryMarshal.AsBytes(e.RawVectors.AsSpan()));   // little-endian float32, row-major
    }

    /// <summary>Reads a table from <paramref name="stream"/> (positioned at the entry's start); <paramref name="name"/> names it in errors.</summary>
    public static StaticEmbeddings Read(Stream stream, string name)
    {
        var r = new Reader(stream, name);
        Span<byte> header = stackalloc byte[HeaderBytes];
        r.ReadExactly(header, "the 16-byte header (magic, count, dimension, format)");
        int magic = BinaryPrimitives.ReadInt32LittleEndian(header);
        int count = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        int dimension = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        int formatField = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
        if (magic != Magic)
            throw r.Error(0, $"the magic number 0x{Magic:X8} (\"SEMB\")", $"0x{magic:X8}; this is not a static-embedding table, the zip is corrupt");
        if (count < 1)
            throw r.Error(4, "a word count of at least 1", count.ToString());
        if (dimension < 1)
            throw r.Error(8, "a dimension of at least 1", dimension.ToString());
        var format = (StaticEmbeddingsFormat)(formatField & 0xFF);
        if ((formatField & ~(0xFF | NonFiniteFlag)) != 0 || !Enum.IsDefined(format))
            throw r.Error(12, $"a source format 0 to {(int)StaticEmbeddingsFormat.FastTextVec} (optionally | 0x{NonFiniteFlag:X})", $"0x{formatField:X}");
        bool allowNonFinite = (formatField & NonFiniteFlag) != 0;

        // Each word takes at least 2 bytes (length prefix and one byte), each vector 4 × dimension.
        Int128 least = (Int128)count * (2 + 4L * dimension);
        if (r.Remaining is long left && least > left)
            throw r.Error(HeaderBytes, $"at least {least} more bytes for {count} words and their {dimension}-float vectors", $"{left} bytes");
        if ((long)count * dimension > StaticEmbeddingsReader.MaxFloats)
            throw r.Error(4, $"at most {StaticEmbeddingsReader.MaxFloats} floats (count × dimension)", $"{count} × {dimension}");

        var words = new List<string>(Math.Min(count, 1 << 16));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            long at = r.Offset;
            int length = r.Read7BitLength(i, count);
            if (length == 0) throw r.Error(at, $"word {i + 1} of {count} to be non-empty", "an empty word");
            if (r.Remaining is long rest && length > rest)
                throw r.Error(at, $"word {i + 1} of {count}: {length} bytes", $"{rest} bytes left in the entry");
            var bytes = r.ReadBytes(length, $"word {i + 1} of {count} ({length} bytes)");
            string word;
            try { word = StrictUtf8.GetString(bytes); }
            catch (DecoderFallbackException) { throw r.Error(at, $"word {i + 1} of {count} in UTF-8", "invalid UTF-8 bytes"); }
            if (!seen.Add(word)) throw r.Error(at, $"word {i + 1} of {count} to be new", $"'{StaticEmbeddingsReader.Excerpt(word)}' a second time");
            words.Add(word);
        }

        long floats = (long)count * dimension;
        if (r.Remaining is long have && have != 4 * floats)
            throw r.Error(r.Offset, $"exactly {4 * floats} bytes of vectors ({count} × {dimension} float32s) to end the entry", $"{have} bytes");
        var vectors = r.ReadFloats(floats, $"{count} × {dimension} float32s");
        if (!allowNonFinite)
            for (long k = 0; k < vectors.LongLength; k++)
                if (!float.IsFinite(vectors[k]))
                    throw r.Error(r.Offset - 4 * (floats - k), $"finite float32s (component {k % dimension + 1} of word {k / dimension + 1}, '{StaticEmbeddingsReader.Excerpt(words[(int)(k / dimension)])}')", vectors[k].ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (r.ReadByteOrEnd() >= 0)
            throw r.Error(r.Offset - 1, $"the end of the entry after {count} × {dimension} float32s", "more bytes");
        return new StaticEmbeddings(words.ToArray(), vectors, dimension, format);
    }

    /// <summary>Reads with a running byte offset; never allocates more than the bytes actually present (plus one chunk).</summary>
    private sealed class Reader(Stream stream, string name)
    {
        private const int Chunk = 1 << 20;
        private readonly long? _end = stream.CanSeek ? stream.Length : null;
        private readonly long _start = stream.CanSeek ? stream.Position : 0;

        public long Offset { get; private set; }

        public long? Remaining => _end - _start - Offset;

        public InvalidDataException Error(long offset, string expected, string found) =>
            new($"The saved model's '{name}' entry, byte {offset}: expected {expected}; found {found}. The zip is corrupt.");

        public void ReadExactly(Span<byte> buffer, string what)
        {
            int n = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            Offset += n;
            if (n != buffer.Length) throw Error(Offset, what, $"the end of the entry after {n} of {buffer.Length} bytes");
        }

        public int ReadByteOrEnd()
        {
            int b = stream.ReadByte();
            if (b >= 0) Offset++;
            return b;
        }

        /// <summary>BinaryWriter's string length prefix: 7 bits per byte, at most 5 bytes, below 2^31.</summary>
        public int Read7BitLength(int index, int count)
        {
            long at = Offset;
            uint value = 0;
            for (int shift = 0; shift < 35; shift += 7)
            {
                int b = ReadByteOrEnd();
                if (b < 0) throw Error(Offset, $"the length of word {index + 1} of {count}", "the end of the entry");
                value |= (uint)(b & 0x7F) << shift;
                if (b < 0x80)
                    return value <= int.MaxValue ? (int)value : throw Error(at, $"the length of word {index + 1} of {count} below 2^31", value.ToString());
            }
            throw Error(at, $"the length of word {index + 1} of {count} in at most 5 bytes", "a longer 7-bit encoding");
        }

        public byte[] ReadBytes(int length, string what)
        {
            if (length <= Chunk)
            {
                var small = new byte[length];
                ReadExactly(small, what);
                return small;
            }
            using var grown = new MemoryStream();
            var buffer = new byte[Chunk];
            int left = length;
            while (left > 0)
            {
                int n = stream.Read(buffer, 0, Math.Min(left, Chunk));
                if (n <= 0) throw Error(Offset, what, $"the end of the entry {left} bytes short");
                grown.Write(buffer, 0, n);
                Offset += n;
                left -= n;
            }
            return grown.ToArray();
        }

        /// <summary>Little-endian float32s; grows the array as the data arrives when the entry's length is unknown.</summary>
        public float[] ReadFloats(long count, string what)
        {
            var result = new float[Remaining.HasValue ? count : Math.Min(count, Chunk)];
            long filled = 0;
            var bytes = new byte[Chunk * 4];
            while (filled < count)
            {
                int want = (int)Math.Min(count - filled, Chunk);
                int n = stream.ReadAtLeast(bytes.AsSpan(0, want * 4), want * 4, throwOnEndOfStream: false);
                Offset += n;
                if (n != want * 4) throw Error(Offset, what, $"the end of the entry {4 * (count - filled) - n} bytes short");
                if (result.LongLength < filled + want) Array.Resize(ref result, (int)Math.Min(count, Math.Max(2 * result.LongLength, filled + want)));
                MemoryMarshal.Cast<byte, float>(bytes.AsSpan(0, want * 4)).CopyTo(result.AsSpan((int)filled, want));
                filled += want;
            }
            if (!BitConverter.IsLittleEndian)
                for (long k = 0; k < count; k++) result[k] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReverseEndianness(BitConverter.SingleToInt32Bits(result[k])));
            return result;
        }
    }
}

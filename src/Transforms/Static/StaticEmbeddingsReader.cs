using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace MLNetContextual;

/// <summary>
/// Parses word2vec (binary and text), GloVe text and fastText .vec files; detects which from the content. Bounded: the
/// header's count and dimension are checked against the bytes that follow it before the tables are allocated, so a
/// hostile header cannot ask for more memory than the file could fill. Every error is an
/// <see cref="InvalidDataException"/> naming the file, the line (text) or byte offset (binary), what was expected and
/// what was found; a well-formed file too large for one array is a <see cref="NotSupportedException"/>.
/// </summary>
internal static class StaticEmbeddingsReader
{
    private const int MaxFirstLineBytes = 1 << 20;
    private const int MaxProbeLineBytes = 1 << 24;
    private const int GloVeSampleLines = 100;
    /// <summary>The most floats one table holds (<see cref="Array.MaxLength"/>).</summary>
    internal const long MaxFloats = 0x7FFFFFC7;
    private static readonly UTF8Encoding StrictUtf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);

    public static StaticEmbeddings Load(string path, StaticEmbeddingsLoadOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (!File.Exists(path))
            throw new FileNotFoundException($"Could not find the word-vector file '{path}'.", path);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Could not read the word-vector file '{path}': {e.Message}", e);
        }
        using (stream)
            return Load(stream, options, path);
    }

    public static StaticEmbeddings Load(Stream stream, StaticEmbeddingsLoadOptions options, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        name ??= "stream";
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
        }
        long start = stream.Position;
        if (stream.Length - start <= 0)
            throw new InvalidDataException($"The word-vector file '{name}' is empty: expected word2vec (binary or text), GloVe or fastText .vec vectors.");

        start += SkipByteOrderMark(stream, start, name);
        long length = stream.Length - start;
        if (length == 0)
            throw new InvalidDataException($"The word-vector file '{name}' holds only a UTF-8 byte order mark: expected word2vec (binary or text), GloVe or fastText .vec vectors.");

        stream.Position = start;
        byte[] first = ReadLineBytes(stream, MaxFirstLineBytes);
        long afterFirst = stream.Position;
        string firstLine = DecodeOrNull(first)?.TrimEnd('\r');
        bool hasHeader = ParseHeader(firstLine, name, out int count, out int dimension);

        var format = options.Format;
        if (format == StaticEmbeddingsFormat.Auto)
        {
            if (firstLine == null)
                throw new InvalidDataException($"Line 1 of '{name}' is not UTF-8 text: expected a \"count dimension\" header or a \"word x1 … xD\" line.");
            if (!hasHeader) format = StaticEmbeddingsFormat.GloVeText;
            else
            {
                int probe = (int)Math.Min(16L * dimension + 4096, MaxProbeLineBytes);
                byte[] second = ReadLineBytes(stream, probe);
                format = LooksLikeTextVector(second, dimension, out bool trailingSpace)
                    ? (trailingSpace ? StaticEmbeddingsFormat.FastTextVec : StaticEmbeddingsFormat.Word2VecText)
                    : StaticEmbeddingsFormat.Word2VecBinary;
            }
        }
        else if (format != StaticEmbeddingsFormat.GloVeText && !hasHeader)
        {
            throw new InvalidDataException($"Line 1 of '{name}' is not a \"count dimension\" header, which the {format} format starts with; found '{Excerpt(firstLine)}'.");
        }

        if (hasHeader && format != StaticEmbeddingsFormat.GloVeText)
            CheckHeaderFits(count, dimension, format, stream.Length - afterFirst, name);

        var context = new TextContext(name, options.AllowNonFiniteValues);
        if (format == StaticEmbeddingsFormat.Word2VecBinary)
        {
            stream.Position = afterFirst;
            return ReadBinary(stream, afterFirst, count, dimension, context);
        }
        bool glove = format == StaticEmbeddingsFormat.GloVeText;
        stream.Position = glove ? start : afterFirst;
        var reader = new Utf8LineReader(stream, name, stream.Position, lineNumber: glove ? 0 : 1);
        return glove ? ReadGloVe(reader, context) : ReadHeaderedText(reader, count, dimension, format, context);
    }

    /// <summary>Skips a UTF-8 byte order mark (its length, 3, or 0); UTF-16/32 marks are an error.</summary>
    private static int SkipByteOrderMark(Stream stream, long start, string name)
    {
        Span<byte> head = stackalloc byte[3];
        stream.Position = start;
        int n = stream.ReadAtLeast(head, 3, throwOnEndOfStream: false);
        stream.Position = start;
        if (n == 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF) return 3;
        if (n >= 2 && ((head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF)))
            throw new InvalidDataException($"'{name}' starts with a UTF-16 byte order mark (0x{head[0]:X2} 0x{head[1]:X2}): expected UTF-8 text or word2vec binary; convert the file to UTF-8.");
        return 0;
    }

    /// <summary>
    /// Whether line 1 is a "count dimension" header: exactly two fields of ASCII digits. Two digit fields that are out of
    /// range (0, or above <see cref="int.MaxValue"/>) are an error rather than a GloVe line.
    /// </summary>
    private static bool ParseHeader(string line, string name, out int count, out int dimension)
    {
        count = dimension = 0;
        if (line == null) return false;
        var parts = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || !parts.All(p => p.All(char.IsAsciiDigit))) return false;
        bool countOk = int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out count) && count >= 1;
        bool dimensionOk = int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out dimension) && dimension >= 1;
        if (!countOk || !dimensionOk)
            throw new InvalidDataException(
                $"Line 1 of '{name}' is a \"count dimension\" header: expected a count and a dimension from 1 to {int.MaxValue}; found count {Excerpt(parts[0])}, dimension {Excerpt(parts[1])}.");
        return true;
    }

    /// <summary>The header's count × dimension must fit in the bytes after it, and in one array.</summary>
    private static void CheckHeaderFits(int count, int dimension, StaticEmbeddingsFormat format, long remaining, string name)
    {
        bool binary = format == StaticEmbeddingsFormat.Word2VecBinary;
        // binary: a word of at least one byte, a space, 4 bytes per float. text: a word and D numbers of at least one
        // character each, separated, one line per vector.
        Int128 least = binary ? (Int128)count * (4L * dimension + 2) : (Int128)count * (2L * dimension + 2) - 1;
        if (least > remaining)
            throw new InvalidDataException(
                $"The header of '{name}' (line 1) announces {count} vectors of {dimension} floats, which take at least {least} bytes in {format} "
                + (binary ? $"(a word, a space and {dimension} × 4 bytes each)" : $"(a word and {dimension} numbers per line)")
                + $"; found {remaining} bytes after the header. Is the header right, or the file truncated?");
        if ((long)count * dimension > MaxFloats)
            throw new NotSupportedException(
                $"'{name}' announces {count} vectors of {dimension} floats ({(long)count * dimension} floats); one StaticEmbeddings table holds at most {MaxFloats}.");
    }

    private static StaticEmbeddings ReadBinary(Stream stream, long offset, int count, int dimension, TextContext context)
    {
        string name = context.Name;
        var words = new string[count];
        var vectors = new float[(long)count * dimension];
        var wordBytes = new List<byte>(64);
        var floatBytes = new byte[4 * dimension];
        var buffered = new BufferedStream(stream, 1 << 16);
        for (int w = 0; w < count; w++)
        {
            wordBytes.Clear();
            while (true)
            {
                int b = buffered.ReadByte();
                if (b < 0)
                    throw new InvalidDataException($"'{name}' ends inside word {w + 1} of {count} at byte {offset} (word2vec binary, {dimension} floats per word): expected a word and a space; is the header right or the file truncated?");
                offset++;
                if (b == ' ')
                {
                    if (wordBytes.Count == 0)
                        throw new InvalidDataException($"'{name}' at byte {offset - 1}: word {w + 1} of {count} is empty (word2vec binary): expected a word before the space; does the header's dimension ({dimension}) match the data?");
                    break;
                }
                if ((b == '\n' || b == '\r') && wordBytes.Count == 0) continue;   // the line end after the previous vector
                if (b < 0x20 || b == 0x7F)
                    throw new InvalidDataException($"'{name}' at byte {offset - 1}: word {w + 1} of {count} contains the control byte 0x{b:X2} (word2vec binary): expected a word (UTF-8 text) and a space; does the header's dimension ({dimension}) match the data?");
                wordBytes.Add((byte)b);
            }
            try
            {
                words[w] = StrictUtf8.GetString(wordBytes.ToArray());
            }
            catch (DecoderFallbackException)
            {
                words[w] = Encoding.Latin1.GetString(wordBytes.ToArray());   // old files in Latin-1, as word2vec.c reads bytes
            }
            if (buffered.ReadAtLeast(floatBytes, floatBytes.Length, throwOnEndOfStream: false) != floatBytes.Length)
                throw new InvalidDataException($"'{name}' ends inside the vector of word {w + 1} of {count} ('{Excerpt(words[w])}') at byte {offset}: expected {dimension} float32s; is the header right or the file truncated?");
            var row = vectors.AsSpan(w * dimension, dimension);
            for (int d = 0; d < dimension; d++)
            {
                row[d] = BinaryPrimitives.ReadSingleLittleEndian(floatBytes.AsSpan(4 * d));
                if (!context.AllowNonFinite && !float.IsFinite(row[d]))
                    throw new InvalidDataException(
                        $"'{name}' at byte {offset + 4 * d}: component {d + 1} of the vector of word {w + 1} of {count} ('{Excerpt(words[w])}') is {Show(row[d])}: expected a finite float32 (set AllowNonFiniteValues to accept NaN and Infinity); does the header's dimension ({dimension}) match the data?");
            }
            offset += floatBytes.Length;
        }
        int next;
        while ((next = buffered.ReadByte()) >= 0)
        {
            if (next is not ('\n' or '\r' or ' ' or '\t'))
                throw new InvalidDataException(
                    $"'{name}' has data after the {count} vectors its header announces: byte {offset} is 0x{next:X2}, expected the end of the file. Does the file hold more vectors than the header says, or vectors of another dimension than {dimension}?");
            offset++;
        }
        return Build(words, vectors, dimension, StaticEmbeddingsFormat.Word2VecBinary, name);
    }

    private static StaticEmbeddings ReadHeaderedText(Utf8LineReader reader, int count, int dimension, StaticEmbeddingsFormat format, TextContext context)
    {
        string name = context.Name;
        var words = new string[count];
        var vectors = new float[(long)count * dimension];
        context.Line = 1;
        int w = 0;
        string line;
        while ((line = reader.ReadLine()) != null)
        {
            context.Line++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            if (w == count)
                throw new InvalidDataException($"Line {context.Line} of '{name}': the header announces {count} words, but more lines follow: expected the end of the file, found '{Excerpt(line)}'.");
            int fields = CountFields(line);
            if (fields != dimension + 1)
                throw new InvalidDataException($"Line {context.Line} of '{name}' has {fields} fields; expected {dimension + 1} (a word and {dimension} numbers, as the header says).");
            words[w] = ParseLine(line, dimension, vectors.AsSpan(w * dimension, dimension), context);
            w++;
        }
        if (w != count)
            throw new InvalidDataException($"'{name}' has {w} vectors, but its header announces {count}: is the header right or the file truncated?");
        return Build(words, vectors, dimension, format, name);
    }

    private static StaticEmbeddings ReadGloVe(Utf8LineReader reader, TextContext context)
    {
        string name = context.Name;
        // No header: the dimension is the most common field count among the first lines, minus the word.
        var sample = new List<(string Line, int Number)>();
        string line;
        while (sample.Count < GloVeSampleLines && (line = reader.ReadLine()) != null)
        {
            context.Line++;
            if (!string.IsNullOrWhiteSpace(line)) sample.Add((line, context.Line));
        }
        if (sample.Count == 0)
            throw new InvalidDataException($"The word-vector file '{name}' has no vectors (only blank lines).");
        int dimension = sample.GroupBy(s => CountFields(s.Line)).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key - 1;
        if (dimension < 1)
            throw new InvalidDataException($"Line {sample[0].Number} of '{name}' has only a word, no numbers: expected \"word x1 … xD\" (GloVe text) or a \"count dimension\" header.");

        var words = new List<string>();
        var vectors = new List<float>();
        var row = new float[dimension];
        void Add(string text, int number)
        {
            context.Line = number;
            int fields = CountFields(text);
            if (fields < dimension + 1)
                throw new InvalidDataException($"Line {number} of '{name}' has {fields} fields; expected {dimension + 1} (a word and {dimension} numbers, as the first lines have).");
            if ((long)(words.Count + 1) * dimension > MaxFloats)
                throw new NotSupportedException($"Line {number} of '{name}': more than {MaxFloats} floats; one StaticEmbeddings table holds at most that.");
            words.Add(ParseLine(text, dimension, row, context));
            vectors.AddRange(row);
        }
        int last = context.Line;
        foreach (var (text, number) in sample) Add(text, number);
        context.Line = last;
        while ((line = reader.ReadLine()) != null)
        {
            context.Line++;
            if (!string.IsNullOrWhiteSpace(line)) Add(line, context.Line);
        }
        return Build(words.ToArray(), vectors.ToArray(), dimension, StaticEmbeddingsFormat.GloVeText, name);
    }

    /// <summary>Parses the last <paramref name="dimension"/> fields into <paramref name="row"/>; what precedes them is the word.</summary>
    private static string ParseLine(string line, int dimension, Span<float> row, TextContext context)
    {
        ReadOnlySpan<char> s = line.AsSpan().TrimEnd();
        for (int d = dimension - 1; d >= 0; d--)
        {
            int cut = s.LastIndexOfAny(' ', '\t');
            ReadOnlySpan<char> field = s.Slice(cut + 1);
            if (!float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out row[d]))
                throw new InvalidDataException($"Line {context.Line} of '{context.Name}': field {d + 2} is '{Excerpt(field.ToString())}': expected a number (invariant culture).");
            if (!context.AllowNonFinite && !float.IsFinite(row[d]))
                throw new InvalidDataException($"Line {context.Line} of '{context.Name}': field {d + 2} is '{Excerpt(field.ToString())}': expected a finite float32 (set AllowNonFiniteValues to accept NaN and Infinity).");
            s = s.Slice(0, Math.Max(cut, 0)).TrimEnd();
        }
        string word = s.Trim().ToString();
        if (word.Length == 0)
            throw new InvalidDataException($"Line {context.Line} of '{context.Name}' has no word before its {dimension} numbers.");
        return word;
    }

    private static StaticEmbeddings Build(string[] words, float[] vectors, int dimension, StaticEmbeddingsFormat format, string name)
    {
        if (words.Length == 0)
            throw new InvalidDataException($"The word-vector file '{name}' has no vectors.");
        // Keep the first vector of a word listed twice.
        var seen = new HashSet<string>(words.Length, StringComparer.Ordinal);
        int kept = 0;
        for (int i = 0; i < words.Length; i++)
        {
            if (!seen.Add(words[i])) continue;
            if (kept != i)
            {
                words[kept] = words[i];
                Array.Copy(vectors, (long)i * dimension, vectors, (long)kept * dimension, dimension);
            }
            kept++;
        }
        if (kept != words.Length)
        {
            Array.Resize(ref words, kept);
            Array.Resize(ref vectors, kept * dimension);
        }
        return new StaticEmbeddings(words, vectors, dimension, format);
    }

    /// <summary>Whether the line after a header is "word x1 … xD" text (else the file is binary).</summary>
    private static bool LooksLikeTextVector(byte[] line, int dimension, out bool trailingSpace)
    {
        trailingSpace = false;
        string text = DecodeOrNull(line);
        if (text == null) return false;
        text = text.TrimEnd('\r');
        foreach (char c in text)
            if (char.IsControl(c) && c != '\t') return false;
        if (CountFields(text) != dimension + 1) return false;
        var fields = text.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        for (int i = 1; i < fields.Length; i++)
            if (!float.TryParse(fields[i], NumberStyles.Float, CultureInfo.InvariantCulture, out _)) return false;
        trailingSpace = text.EndsWith(' ');
        return true;
    }

    private static int CountFields(string line)
    {
        int n = 0;
        bool inField = false;
        foreach (char c in line)
        {
            bool sep = c == ' ' || c == '\t' || c == '\r';
            if (!sep && !inField) n++;
            inField = !sep;
        }
        return n;
    }

    private static byte[] ReadLineBytes(Stream stream, int limit)
    {
        var bytes = new List<byte>(256);
        int b;
        while (bytes.Count < limit && (b = stream.ReadByte()) >= 0 && b != '\n') bytes.Add((byte)b);
        return bytes.ToArray();
    }

    private static string DecodeOrNull(byte[] bytes)
    {
        try { return StrictUtf8.GetString(bytes); }
        catch (DecoderFallbackException) { return null; }
    }

    /// <summary>At most 40 characters of <paramref name="text"/>, for messages.</summary>
    internal static string Excerpt(string text) => text == null ? "" : text.Length <= 40 ? text : text[..40] + "…";

    private static string Show(float x) => x.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The file's name, the line being read (for messages) and the options that change what is accepted.</summary>
    private sealed class TextContext(string name, bool allowNonFinite)
    {
        public string Name { get; } = name;
        public bool AllowNonFinite { get; } = allowNonFinite;
        public int Line { get; set; }
    }
}

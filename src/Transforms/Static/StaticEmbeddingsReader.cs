using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace MLNetContextual;

/// <summary>Parses word2vec (binary and text), GloVe text and fastText .vec files; detects which from the content.</summary>
internal static class StaticEmbeddingsReader
{
    private const int MaxHeaderBytes = 1 << 20;
    private const int GloVeSampleLines = 100;
    private static readonly UTF8Encoding StrictUtf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);

    public static StaticEmbeddings Load(string path, StaticEmbeddingsFormat format)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
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
            return Load(stream, format, path);
    }

    public static StaticEmbeddings Load(Stream stream, StaticEmbeddingsFormat format, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
        }
        long start = stream.Position;
        if (stream.Length - start == 0)
            throw new InvalidDataException($"The word-vector file '{name}' is empty: expected word2vec (binary or text), GloVe or fastText .vec vectors.");

        byte[] first = ReadLineBytes(stream, MaxHeaderBytes);
        long afterFirst = stream.Position;
        string firstLine = DecodeOrNull(first)?.TrimEnd('\r');
        bool hasHeader = TryParseHeader(firstLine, out int count, out int dimension);

        if (format == StaticEmbeddingsFormat.Auto)
        {
            if (firstLine == null)
                throw new InvalidDataException($"Line 1 of '{name}' is not UTF-8 text: expected a \"count dimension\" header or a \"word x1 … xD\" line.");
            if (!hasHeader) format = StaticEmbeddingsFormat.GloVeText;
            else
            {
                byte[] second = ReadLineBytes(stream, 16 * dimension + 4096);
                format = LooksLikeTextVector(second, dimension, out bool trailingSpace)
                    ? (trailingSpace ? StaticEmbeddingsFormat.FastTextVec : StaticEmbeddingsFormat.Word2VecText)
                    : StaticEmbeddingsFormat.Word2VecBinary;
            }
        }
        else if (format != StaticEmbeddingsFormat.GloVeText && !hasHeader)
        {
            throw new InvalidDataException($"Line 1 of '{name}' is not a \"count dimension\" header, which the {format} format starts with.");
        }

        try
        {
            if (format == StaticEmbeddingsFormat.Word2VecBinary)
            {
                stream.Position = afterFirst;
                return ReadBinary(stream, count, dimension, name);
            }
            stream.Position = format == StaticEmbeddingsFormat.GloVeText ? start : afterFirst;
            using var reader = new StreamReader(stream, StrictUtf8, false, 1 << 16, leaveOpen: true);
            return format == StaticEmbeddingsFormat.GloVeText
                ? ReadGloVe(reader, name)
                : ReadHeaderedText(reader, count, dimension, format, name);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException($"'{name}' is not valid UTF-8 text (read as {format}).", e);
        }
    }

    private static StaticEmbeddings ReadBinary(Stream stream, int count, int dimension, string name)
    {
        var words = new string[count];
        var vectors = new float[checked((long)count * dimension)];
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
                    throw new InvalidDataException($"'{name}' ends inside word {w + 1} of {count} (word2vec binary, {dimension} floats per word): is the header right or the file truncated?");
                if (b == ' ') break;
                if (b == '\n' && wordBytes.Count == 0) continue;   // the newline that ends the previous vector
                wordBytes.Add((byte)b);
            }
            if (wordBytes.Count == 0)
                throw new InvalidDataException($"Word {w + 1} of {count} in '{name}' is empty (word2vec binary).");
            try
            {
                words[w] = StrictUtf8.GetString(wordBytes.ToArray());
            }
            catch (DecoderFallbackException)
            {
                words[w] = Encoding.Latin1.GetString(wordBytes.ToArray());
            }
            if (buffered.ReadAtLeast(floatBytes, floatBytes.Length, throwOnEndOfStream: false) != floatBytes.Length)
                throw new InvalidDataException($"'{name}' ends inside the vector of word {w + 1} of {count} ('{words[w]}'): expected {dimension} float32s; is the header right or the file truncated?");
            var row = vectors.AsSpan(w * dimension, dimension);
            for (int d = 0; d < dimension; d++)
                row[d] = BinaryPrimitives.ReadSingleLittleEndian(floatBytes.AsSpan(4 * d));
        }
        return Build(words, vectors, dimension, StaticEmbeddingsFormat.Word2VecBinary, name, lineOf: null);
    }

    private static StaticEmbeddings ReadHeaderedText(StreamReader reader, int count, int dimension, StaticEmbeddingsFormat format, string name)
    {
        var words = new string[count];
        var vectors = new float[checked((long)count * dimension)];
        int lineNumber = 1, w = 0;
        string line;
        while ((line = reader.ReadLine()) != null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            if (w == count)
                throw new InvalidDataException($"Line {lineNumber} of '{name}': the header announces {count} words, but more lines follow.");
            int fields = CountFields(line);
            if (fields != dimension + 1)
                throw new InvalidDataException($"Line {lineNumber} of '{name}' has {fields} fields; expected {dimension + 1} (a word and {dimension} numbers, as the header says).");
            words[w] = ParseLine(line, dimension, vectors.AsSpan(w * dimension, dimension), lineNumber, name);
            w++;
        }
        if (w != count)
            throw new InvalidDataException($"'{name}' has {w} vectors, but its header announces {count}: is the header right or the file truncated?");
        return Build(words, vectors, dimension, format, name, lineOf: i => i + 2);
    }

    private static StaticEmbeddings ReadGloVe(StreamReader reader, string name)
    {
        // No header: the dimension is the most common field count among the first lines, minus the word.
        var sample = new List<(string Line, int Number)>();
        int lineNumber = 0;
        string line;
        while (sample.Count < GloVeSampleLines && (line = reader.ReadLine()) != null)
        {
            lineNumber++;
            if (!string.IsNullOrWhiteSpace(line)) sample.Add((line, lineNumber));
        }
        if (sample.Count == 0)
            throw new InvalidDataException($"The word-vector file '{name}' has no vectors (only blank lines).");
        int dimension = sample.GroupBy(s => CountFields(s.Line)).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key - 1;
        if (dimension < 1)
            throw new InvalidDataException($"Line {sample[0].Number} of '{name}' has only a word, no numbers: expected \"word x1 … xD\" (GloVe text) or a \"count dimension\" header.");

        var words = new List<string>();
        var vectors = new List<float>();
        var lines = new List<int>();
        var row = new float[dimension];
        void Add(string text, int number)
        {
            int fields = CountFields(text);
            if (fields < dimension + 1)
                throw new InvalidDataException($"Line {number} of '{name}' has {fields} fields; expected {dimension + 1} (a word and {dimension} numbers, as the first lines have).");
            words.Add(ParseLine(text, dimension, row, number, name));
            vectors.AddRange(row);
            lines.Add(number);
        }
        foreach (var (text, number) in sample) Add(text, number);
        while ((line = reader.ReadLine()) != null)
        {
            lineNumber++;
            if (!string.IsNullOrWhiteSpace(line)) Add(line, lineNumber);
        }
        return Build(words.ToArray(), vectors.ToArray(), dimension, StaticEmbeddingsFormat.GloVeText, name, lineOf: i => lines[i]);
    }

    /// <summary>Parses the last <paramref name="dimension"/> fields into <paramref name="row"/>; what precedes them is the word.</summary>
    private static string ParseLine(string line, int dimension, Span<float> row, int lineNumber, string name)
    {
        ReadOnlySpan<char> s = line.AsSpan().TrimEnd();
        for (int d = dimension - 1; d >= 0; d--)
        {
            int cut = s.LastIndexOfAny(' ', '\t');
            ReadOnlySpan<char> field = s.Slice(cut + 1);
            if (!float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out row[d]))
                throw new InvalidDataException($"Line {lineNumber} of '{name}': field {d + 2} ('{field}') is not a number (invariant culture).");
            s = s.Slice(0, Math.Max(cut, 0)).TrimEnd();
        }
        string word = s.Trim().ToString();
        if (word.Length == 0)
            throw new InvalidDataException($"Line {lineNumber} of '{name}' has no word before its {dimension} numbers.");
        return word;
    }

    private static StaticEmbeddings Build(string[] words, float[] vectors, int dimension, StaticEmbeddingsFormat format, string name, Func<int, int> lineOf)
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

    private static bool TryParseHeader(string line, out int count, out int dimension)
    {
        count = dimension = 0;
        if (line == null) return false;
        var parts = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out count)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out dimension)
            && dimension >= 1;
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
}

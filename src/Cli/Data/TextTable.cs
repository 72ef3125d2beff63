using System.Text;
using System.Text.Json;

namespace MLNetContextual.Cli.Data;

/// <summary>
/// A delimited (.tsv, .csv, other: tab) or JSON-lines (.jsonl) file read into memory as strings, with the line each row
/// came from so that errors can name it.
/// </summary>
public sealed class TextTable
{
    private TextTable(string path, string[] columns, List<string[]> rows, List<int> lines)
    {
        Path = path;
        Columns = columns;
        Rows = rows;
        Lines = lines;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>Column names: the header, or <c>col0</c>, <c>col1</c>, … without one.</summary>
    public string[] Columns { get; }

    /// <summary>The rows, one string per column (null: the field is missing).</summary>
    public IReadOnlyList<string[]> Rows { get; }

    /// <summary>For each row, the 1-based line of the file where it starts.</summary>
    public IReadOnlyList<int> Lines { get; }

    /// <summary>Reads <paramref name="path"/>; <paramref name="hasHeader"/> null: guessed (a first row whose fields are all non-numeric and distinct).</summary>
    public static TextTable Read(string path, bool? hasHeader)
    {
        if (string.IsNullOrEmpty(path))
            throw new ArgumentException("--dataset is required.");
        if (!File.Exists(path))
            throw new FileNotFoundException($"Dataset '{path}' does not exist.", path);
        return path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase)
            ? ReadJsonLines(path)
            : ReadDelimited(path, path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? ',' : '\t', hasHeader);
    }

    private static TextTable ReadJsonLines(string path)
    {
        var columns = new List<string>();
        var objects = new List<(Dictionary<string, string> Fields, int Line)>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(line);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}, line {lineNumber}: not a JSON object ({e.Message}).", e);
            }
            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    throw new InvalidDataException($"{path}, line {lineNumber}: expected a JSON object, found {doc.RootElement.ValueKind}.");
                var fields = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var property in doc.RootElement.EnumerateObject())
                {
                    if (!columns.Contains(property.Name))
                        columns.Add(property.Name);
                    fields[property.Name] = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString(),
                        JsonValueKind.Null => null,
                        _ => property.Value.GetRawText(),
                    };
                }
                objects.Add((fields, lineNumber));
            }
        }
        if (objects.Count == 0)
            throw new InvalidDataException($"Dataset '{path}' has no rows.");
        var rows = objects.Select(o => columns.Select(c => o.Fields.GetValueOrDefault(c)).ToArray()).ToList();
        return new TextTable(path, columns.ToArray(), rows, objects.Select(o => o.Line).ToList());
    }

    private static TextTable ReadDelimited(string path, char separator, bool? hasHeader)
    {
        var records = new List<(string[] Fields, int Line)>();
        using (var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
        {
            int line = 0;
            while (ReadRecord(reader, separator, ref line, path) is { } record)
                if (!(record.Fields.Length == 1 && record.Fields[0].Length == 0))
                    records.Add(record);
        }
        if (records.Count == 0)
            throw new InvalidDataException($"Dataset '{path}' is empty.");
        int width = records[0].Fields.Length;
        foreach (var (fields, line) in records)
            if (fields.Length != width)
                throw new InvalidDataException(
                    $"{path}, line {line}: {fields.Length} field(s) separated by {Name(separator)}, expected {width} as in the first row.");

        bool header = hasHeader ?? LooksLikeHeader(records);
        string[] columns = header
            ? records[0].Fields.Select(f => f.Trim()).ToArray()
            : Enumerable.Range(0, width).Select(i => $"col{i}").ToArray();
        var body = header ? records.Skip(1).ToList() : records;
        if (body.Count == 0)
            throw new InvalidDataException($"Dataset '{path}' has a header and no rows.");
        return new TextTable(path, columns, body.Select(r => r.Fields).ToList(), body.Select(r => r.Line).ToList());
    }

    private static string Name(char separator) => separator == '\t' ? "tabs" : $"'{separator}'";

    private static bool LooksLikeHeader(List<(string[] Fields, int Line)> records)
    {
        var first = records[0].Fields;
        bool anyNumber = first.Any(f => double.TryParse(f, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _));
        bool distinct = first.Distinct().Count() == first.Length;
        bool shortFields = first.All(f => f.Length is > 0 and <= 64);
        return !anyNumber && distinct && shortFields && records.Count > 1;
    }

    // One record (RFC 4180 quoting: fields in double quotes may hold separators, newlines and "" for a quote).
    private static (string[] Fields, int Line)? ReadRecord(TextReader reader, char separator, ref int line, string path)
    {
        int c = reader.Read();
        if (c < 0)
            return null;
        line++;
        int start = line;
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false, atFieldStart = true, wasQuoted = false;
        while (true)
        {
            if (c < 0)
            {
                if (quoted)
                    throw new InvalidDataException($"{path}, line {start}: a quoted field is not closed before the end of the file.");
                break;
            }
            char ch = (char)c;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                        quoted = false;
                }
                else
                {
                    if (ch == '\n')
                        line++;
                    field.Append(ch);
                }
            }
            else if (ch == '"' && atFieldStart)
            {
                quoted = true;
                wasQuoted = true;
                atFieldStart = false;
            }
            else if (ch == separator)
            {
                fields.Add(wasQuoted ? field.ToString() : field.ToString().Trim('\r'));
                field.Clear();
                atFieldStart = true;
                wasQuoted = false;
            }
            else if (ch == '\n')
                break;
            else
            {
                field.Append(ch);
                atFieldStart = false;
            }
            c = reader.Read();
        }
        string last = field.ToString();
        fields.Add(wasQuoted ? last : last.TrimEnd('\r'));
        return (fields.ToArray(), start);
    }
}

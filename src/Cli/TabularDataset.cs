using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual.Cli;

/// <summary>The text and label columns of a delimited file with a header, and what kind of task the label makes.</summary>
public sealed class TabularDataset
{
    private static readonly HashSet<string> BooleanValues = new(StringComparer.OrdinalIgnoreCase) { "0", "1", "true", "false" };

    private TabularDataset(string path, char separator, int textIndex, int labelIndex, string[] classes)
    {
        Path = path;
        Separator = separator;
        TextIndex = textIndex;
        LabelIndex = labelIndex;
        Classes = classes;
    }

    public string Path { get; }
    public char Separator { get; }
    public int TextIndex { get; }
    public int LabelIndex { get; }

    /// <summary>The distinct label values, sorted.</summary>
    public string[] Classes { get; }

    /// <summary>Two classes spelled 0/1 or true/false: a Boolean label for the binary trainers.</summary>
    public bool IsBinary => Classes.Length == 2 && Classes.All(BooleanValues.Contains);

    /// <summary>Reads the header and scans the label column (streaming) to find the classes.</summary>
    public static TabularDataset Open(string path, string textColumn, string labelColumn)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Data file '{path}' does not exist.", path);
        char separator = path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? ',' : '\t';
        string[] header = (File.ReadLines(path).FirstOrDefault() ?? throw new InvalidDataException($"'{path}' is empty."))
            .Split(separator).Select(h => h.Trim().Trim('"')).ToArray();
        int IndexOf(string name, string role) => Array.IndexOf(header, name) is var i and >= 0 ? i
            : throw new ArgumentException($"The {role} column '{name}' is not in the header of '{path}'. Columns: {string.Join(", ", header)}.");
        int text = IndexOf(textColumn, "text"), label = IndexOf(labelColumn, "label");

        var dataset = new TabularDataset(path, separator, text, label, []);
        var ml = new MLContext();
        var view = dataset.Load(ml, booleanLabel: false);
        var classes = new SortedSet<string>(StringComparer.Ordinal);
        using (var cursor = view.GetRowCursor([view.Schema["Label"]]))
        {
            var get = cursor.GetGetter<ReadOnlyMemory<char>>(view.Schema["Label"]);
            ReadOnlyMemory<char> value = default;
            while (cursor.MoveNext())
            {
                get(ref value);
                if (!value.IsEmpty && classes.Add(value.ToString()) && classes.Count > 1000)
                    throw new InvalidDataException($"The label column '{labelColumn}' has over 1,000 distinct values; it does not look like classes.");
            }
        }
        if (classes.Count < 2)
            throw new InvalidDataException($"The label column '{labelColumn}' has {classes.Count} distinct value(s); a classifier needs at least 2.");
        return new TabularDataset(path, separator, text, label, classes.ToArray());
    }

    /// <summary>The file as columns "Text" and "Label" (Boolean or String), streamed, quoted fields allowed.</summary>
    public IDataView Load(MLContext ml, bool booleanLabel) => ml.Data.CreateTextLoader(
        [
            new TextLoader.Column("Text", DataKind.String, TextIndex),
            new TextLoader.Column("Label", booleanLabel ? DataKind.Boolean : DataKind.String, LabelIndex),
        ],
        separatorChar: Separator, hasHeader: true, allowQuoting: true).Load(Path);
}

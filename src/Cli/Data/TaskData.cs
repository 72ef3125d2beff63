using System.Globalization;

namespace MLNetContextual.Cli.Data;

/// <summary>
/// The examples of a classification or regression dataset (text, optional second text, label), checked: the label has
/// at least two classes (or parses as numbers), the text is not all empty.
/// </summary>
public sealed class TaskData
{
    private TaskData(TaskKind task, string path, string labelName, string[] textNames, List<Example> examples, string[] classes)
    {
        Task = task;
        Path = path;
        LabelName = labelName;
        TextNames = textNames;
        Examples = examples;
        Classes = classes;
    }

    /// <summary>Classification or regression.</summary>
    public TaskKind Task { get; }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>The label column's name in the file.</summary>
    public string LabelName { get; }

    /// <summary>The text column name(s) in the file.</summary>
    public string[] TextNames { get; }

    /// <summary>Whether there are two texts per example (pairs).</summary>
    public bool IsPair => TextNames.Length == 2;

    /// <summary>The examples, in file order.</summary>
    public IReadOnlyList<Example> Examples { get; }

    /// <summary>Classification: the distinct labels, sorted (ordinal); regression: empty.</summary>
    public string[] Classes { get; }

    /// <summary>Two classes: binary trainers.</summary>
    public bool IsBinary => Task == TaskKind.Classification && Classes.Length == 2;

    /// <summary>
    /// The binary positive class: "1", "true", "pos"/"positive" when present, else the second in sorted order.
    /// </summary>
    public string PositiveClass => !IsBinary ? null
        : Classes.FirstOrDefault(c => c is "1" || c.Equals("true", StringComparison.OrdinalIgnoreCase)
            || c.Equals("pos", StringComparison.OrdinalIgnoreCase) || c.Equals("positive", StringComparison.OrdinalIgnoreCase)) ?? Classes[1];

    /// <summary>Reads and checks a dataset for <paramref name="task"/>.</summary>
    public static TaskData Load(TaskKind task, string path, bool? hasHeader, ColumnSpec columns, string option = "--dataset")
    {
        var table = TextTable.Read(path, hasHeader);
        return From(task, table, columns, option);
    }

    /// <summary>Reads a second file (validation, test) with the same column names as <paramref name="training"/>.</summary>
    public static TaskData LoadLike(TaskData training, string path, bool? hasHeader, ColumnSpec columns, string option)
    {
        var table = TextTable.Read(path, hasHeader);
        var data = From(training.Task, table, columns, option, checkClasses: false);
        if (training.Task == TaskKind.Classification)
        {
            var known = training.Classes.ToHashSet(StringComparer.Ordinal);
            var unseen = data.Examples.Where(e => !known.Contains(e.Label)).ToList();
            if (unseen.Count > 0)
            {
                var names = unseen.Select(e => e.Label).Distinct().Take(5).Select(l => $"'{l}'");
                throw new InvalidDataException(
                    $"{option} '{path}' has label(s) {string.Join(", ", names)} (first at line {unseen[0].Line}, {unseen.Count} row(s)) that the " +
                    $"training data does not have; the model can only predict {string.Join(", ", training.Classes.Take(10).Select(c => $"'{c}'"))}.");
            }
        }
        return data;
    }

    /// <summary>Examples of an in-memory subset (a split of this dataset).</summary>
    public TaskData Subset(IEnumerable<Example> examples) =>
        new(Task, Path, LabelName, TextNames, examples.ToList(), Classes);

    /// <summary>This dataset and <paramref name="other"/> together (training + validation for the final model).</summary>
    public TaskData Concat(TaskData other) => other == null ? this
        : new(Task, Path, LabelName, TextNames, Examples.Concat(other.Examples).ToList(), Classes);

    private static TaskData From(TaskKind task, TextTable table, ColumnSpec columns, string option, bool checkClasses = true)
    {
        if (task == TaskKind.QuestionAnswering)
            throw new ArgumentException("question-answering reads SQuAD JSON (SquadDataset), not a table.");
        int label = ColumnSpec.Resolve(table, columns.Label ?? "Label", "--label-col");
        var ignored = (columns.Ignore ?? []).Select(c => ColumnSpec.Resolve(table, c, "--ignore-cols")).ToHashSet();
        if (ignored.Contains(label))
            throw new ArgumentException($"--label-col '{table.Columns[label]}' is also in --ignore-cols.");
        int[] text;
        if (columns.Text is { Count: > 0 })
        {
            if (columns.Text.Count > 2)
                throw new ArgumentException($"--text-col takes one or two columns (a pair); found {columns.Text.Count}: {string.Join(", ", columns.Text)}.");
            text = columns.Text.Select(c => ColumnSpec.Resolve(table, c, "--text-col")).ToArray();
        }
        else
        {
            // The one remaining column, or the one with the longest values.
            var candidates = Enumerable.Range(0, table.Columns.Length).Where(i => i != label && !ignored.Contains(i)).ToArray();
            if (candidates.Length == 0)
                throw new ArgumentException($"No text column left in '{table.Path}' once the label and --ignore-cols are set aside; pass --text-col.");
            text = [candidates.MaxBy(i => table.Rows.Take(200).Average(r => r[i]?.Length ?? 0))];
        }
        if (text.Contains(label))
            throw new ArgumentException($"--text-col '{table.Columns[label]}' is also the --label-col.");

        var examples = new List<Example>(table.Rows.Count);
        for (int r = 0; r < table.Rows.Count; r++)
        {
            var row = table.Rows[r];
            string value = row[label]?.Trim();
            if (string.IsNullOrEmpty(value))
                continue;   // unlabelled rows are skipped, as mlnet does
            if (task == TaskKind.Regression && !float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                throw new InvalidDataException(
                    $"{table.Path}, line {table.Lines[r]}: the label column '{table.Columns[label]}' holds '{value}', expected a number for regression.");
            examples.Add(new Example(row[text[0]] ?? "", text.Length > 1 ? row[text[1]] ?? "" : null, value, table.Lines[r]));
        }
        if (examples.Count == 0)
            throw new InvalidDataException($"{option} '{table.Path}': the label column '{table.Columns[label]}' is empty in every row.");
        foreach (int t in text)
        {
            int index = Array.IndexOf(text, t);
            if (examples.All(e => string.IsNullOrWhiteSpace(index == 0 ? e.Text : e.Text2)))
                throw new InvalidDataException(
                    $"{option} '{table.Path}': the text column '{table.Columns[t]}' is empty in all {examples.Count} rows; nothing to learn from.");
        }

        string[] classes = [];
        if (task == TaskKind.Classification)
        {
            classes = examples.Select(e => e.Label).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            if (checkClasses && classes.Length < 2)
                throw new InvalidDataException(
                    $"{option} '{table.Path}': the label column '{table.Columns[label]}' has one class ('{classes[0]}') in {examples.Count} rows; " +
                    "classification needs at least two.");
            if (checkClasses && classes.Length > 1000)
                throw new InvalidDataException(
                    $"{option} '{table.Path}': the label column '{table.Columns[label]}' has {classes.Length} distinct values; that does not look like classes (regression?).");
        }
        return new TaskData(task, table.Path, table.Columns[label], text.Select(t => table.Columns[t]).ToArray(), examples, classes);
    }
}

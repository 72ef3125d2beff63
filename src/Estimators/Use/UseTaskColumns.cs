using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>Column checks and readers shared by the USE training tasks; every error names the task and the column.</summary>
internal static class UseTaskColumns
{
    public static DataViewSchema.Column Require(UseTrainingTask task, DataViewSchema schema, string column, string role, string expected, Func<DataViewType, bool> accepts)
    {
        if (string.IsNullOrEmpty(column))
            throw new ArgumentOutOfRangeException(role, $"Task '{task.Name}' ({task.Kind}): the {role} column name is not set.");
        var c = schema.GetColumnOrNull(column)
            ?? throw new ArgumentOutOfRangeException(role, $"Task '{task.Name}' ({task.Kind}): could not find {role} column '{column}'.");
        if (!accepts(c.Type))
            throw new ArgumentOutOfRangeException(role, $"Task '{task.Name}' ({task.Kind}): schema mismatch for {role} column '{column}': expected {expected}, got {c.Type}.");
        return c;
    }

    public static DataViewSchema.Column RequireText(UseTrainingTask task, DataViewSchema schema, string column, string role) =>
        Require(task, schema, column, role, "String", t => t is TextDataViewType);

    public static Func<string> Text(DataViewRow row, DataViewSchema.Column column)
    {
        var g = row.GetGetter<ReadOnlyMemory<char>>(column);
        ReadOnlyMemory<char> v = default;
        return () => { g(ref v); return v.ToString(); };
    }

    public static bool Empty(string s) => string.IsNullOrWhiteSpace(s);

    /// <summary>Reads every row through the reader <paramref name="makeReader"/> builds; rows it returns null for are counted as skipped.</summary>
    public static (List<T> Rows, int Skipped) Read<T>(UseTrainingTask task, IEnumerable<DataViewSchema.Column> columns,
        Func<DataViewRow, Func<T>> makeReader, CancellationToken cancel) where T : class
    {
        var rows = new List<T>();
        int skipped = 0;
        using var cursor = task.Data.GetRowCursor(columns);
        var read = makeReader(cursor);
        while (cursor.MoveNext())
        {
            if ((cursor.Position & 1023) == 0)
                cancel.ThrowIfCancellationRequested();
            var r = read();
            if (r == null)
                skipped++;
            else
                rows.Add(r);
        }
        if (rows.Count == 0)
            throw new ArgumentOutOfRangeException(nameof(task.Data), skipped == 0
                ? $"Task '{task.Name}' ({task.Kind}) has no rows."
                : $"Task '{task.Name}' ({task.Kind}) has no usable rows: all {skipped} have an empty sentence or a missing value.");
        return (rows, skipped);
    }

    /// <summary>Pairs of texts encoded as one (2B, D) batch: rows 0..B−1 the first texts, B..2B−1 the second.</summary>
    public static (TorchSharp.torch.Tensor U, TorchSharp.torch.Tensor V) EmbedPairs(IUseTrainable model, IReadOnlyList<string> first,
        IReadOnlyList<string> second, Random rng)
    {
        var both = model.Embed([.. first, .. second], rng, training: true);
        int b = first.Count;
        return (both.narrow(0, 0, b), both.narrow(0, b, b));
    }
}

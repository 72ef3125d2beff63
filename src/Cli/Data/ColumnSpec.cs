namespace MLNetContextual.Cli.Data;

/// <summary>Which columns of the dataset are the label and the text(s), by name or 0-based index, as the options gave them.</summary>
public sealed record ColumnSpec(string Label, IReadOnlyList<string> Text, IReadOnlyList<string> Ignore)
{
    /// <summary>The index of <paramref name="nameOrIndex"/> in <paramref name="table"/>'s columns.</summary>
    public static int Resolve(TextTable table, string nameOrIndex, string option)
    {
        int byName = Array.FindIndex(table.Columns, c => string.Equals(c, nameOrIndex, StringComparison.Ordinal));
        if (byName >= 0)
            return byName;
        byName = Array.FindIndex(table.Columns, c => string.Equals(c, nameOrIndex, StringComparison.OrdinalIgnoreCase));
        if (byName >= 0)
            return byName;
        if (int.TryParse(nameOrIndex, out int index))
        {
            if (index >= 0 && index < table.Columns.Length)
                return index;
            throw new ArgumentException($"{option} {index}: the dataset '{table.Path}' has columns 0 to {table.Columns.Length - 1}.");
        }
        throw new ArgumentException(
            $"{option} '{nameOrIndex}' is not a column of '{table.Path}'. Columns: {string.Join(", ", table.Columns)}.");
    }
}

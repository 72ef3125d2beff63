using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>Schema-time checks with ML.NET's wording: which column, what was expected, what was found.</summary>
internal static class SchemaChecks
{
    /// <param name="schema">The schema to look in.</param>
    /// <param name="name">The column.</param>
    /// <param name="expected">The expected type, as the message gives it.</param>
    /// <param name="accepts">Whether a type is acceptable.</param>
    /// <param name="where">What the schema belongs to when it is not the main input (e.g. "ValidationSet"): prefixes the
    /// message and names the parameter.</param>
    public static DataViewSchema.Column Require(DataViewSchema schema, string name, string expected, Func<DataViewType, bool> accepts, string where = null)
    {
        string prefix = where == null ? "" : where + ": ";
        var column = schema.GetColumnOrNull(name)
            ?? throw new ArgumentOutOfRangeException(where ?? nameof(schema), $"{prefix}Could not find input column '{name}'.");
        if (!accepts(column.Type))
            throw new ArgumentOutOfRangeException(where ?? nameof(schema),
                $"{prefix}Schema mismatch for input column '{name}': expected {expected}, got {column.Type}.");
        return column;
    }

    public static SchemaShape.Column Require(SchemaShape shape, string name, string expected, Func<SchemaShape.Column, bool> accepts)
    {
        if (!shape.TryFindColumn(name, out var column))
            throw new ArgumentOutOfRangeException(nameof(shape), $"Could not find input column '{name}'.");
        if (!accepts(column))
            throw new ArgumentOutOfRangeException(nameof(shape),
                $"Schema mismatch for input column '{name}': expected {expected}, got {column.GetTypeString()}.");
        return column;
    }

    public static DataViewSchema.Column RequireText(DataViewSchema schema, string name, string where = null) =>
        Require(schema, name, "String", t => t is TextDataViewType, where);

    public static SchemaShape.Column RequireText(SchemaShape shape, string name) =>
        Require(shape, name, "String", c => c.Kind == SchemaShape.Column.VectorKind.Scalar && c.ItemType is TextDataViewType);

    /// <summary>Reads a text column as a .NET string; missing text (null) reads as empty.</summary>
    public static Func<string> TextReader(DataViewRow row, int column)
    {
        var getter = row.GetGetter<ReadOnlyMemory<char>>(row.Schema[column]);
        ReadOnlyMemory<char> value = default;
        return () =>
        {
            getter(ref value);
            return value.ToString();
        };
    }
}

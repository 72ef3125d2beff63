using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>
/// Builds <see cref="SchemaShape"/> columns for estimators' <c>GetOutputSchema</c>; ML.NET keeps the column constructor
/// internal, so this is the one place that calls it.
/// </summary>
internal static class SchemaShapes
{
    public static SchemaShape.Column Scalar(string name, DataViewType type, bool isKey = false) =>
        new(name, SchemaShape.Column.VectorKind.Scalar, type, isKey);

    public static SchemaShape.Column Vector(string name, DataViewType itemType, bool knownSize) =>
        new(name, knownSize ? SchemaShape.Column.VectorKind.Vector : SchemaShape.Column.VectorKind.VariableVector, itemType, false);

    /// <summary>The input shape with <paramref name="added"/> appended (replacing same-named columns).</summary>
    public static SchemaShape With(SchemaShape input, params SchemaShape.Column[] added)
    {
        var columns = input.ToDictionary(c => c.Name);
        foreach (var c in added)
            columns[c.Name] = c;
        return new SchemaShape(columns.Values);
    }

    /// <summary>The shape of a concrete schema.</summary>
    public static SchemaShape From(DataViewSchema schema) => SchemaShape.Create(schema);
}

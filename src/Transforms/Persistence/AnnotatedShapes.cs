using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>
/// Schema-shape columns that carry annotations (such as a predicted key with its key values), for trainers'
/// <c>GetOutputSchema</c>; like <see cref="SchemaShapes"/>, it calls ML.NET's internal column constructor.
/// </summary>
internal static class AnnotatedShapes
{
    /// <summary>A UInt32 key column whose key values are a vector of <paramref name="keyValuesItemType"/>.</summary>
    public static SchemaShape.Column KeyWithValues(string name, DataViewType keyValuesItemType) =>
        new(name, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.UInt32, true,
            new SchemaShape([new SchemaShape.Column(AnnotationUtils.Kinds.KeyValues, SchemaShape.Column.VectorKind.Vector, keyValuesItemType, false)]));

    /// <summary>A known-size vector of Single with slot names (a multiclass score).</summary>
    public static SchemaShape.Column VectorWithSlotNames(string name) =>
        new(name, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false,
            new SchemaShape([new SchemaShape.Column(AnnotationUtils.Kinds.SlotNames, SchemaShape.Column.VectorKind.Vector, TextDataViewType.Instance, false)]));
}

using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>Streams the rows of a token column (<c>Vector&lt;String&gt;</c>, as <c>TokenizeIntoWords</c> makes) through an IDataView cursor.</summary>
internal static class TokenColumn
{
    /// <summary>Called once per row with its tokens; the memory is valid only during the call.</summary>
    public delegate void RowHandler(ReadOnlySpan<ReadOnlyMemory<char>> tokens);

    /// <summary>Throws the ML.NET-worded error when <paramref name="name"/> is missing or is not a vector of text.</summary>
    public static DataViewSchema.Column Check(DataViewSchema schema, string name)
    {
        var column = schema.GetColumnOrNull(name)
            ?? throw new ArgumentOutOfRangeException(nameof(schema), $"Could not find input column '{name}'.");
        if (column.Type is not VectorDataViewType { ItemType: TextDataViewType })
            throw new ArgumentOutOfRangeException(nameof(schema),
                $"Schema mismatch for input column '{name}': expected Vector<String>, got {column.Type}. " +
                $"Split text into tokens first, e.g. ml.Transforms.Text.TokenizeIntoWords(\"{name}\", \"Text\").");
        return column;
    }

    /// <summary>One pass over the column: calls <paramref name="handler"/> for each row, in cursor order.</summary>
    public static void ForEachRow(IDataView data, DataViewSchema.Column column, RowHandler handler, CancellationToken cancel = default)
    {
        using var cursor = data.GetRowCursor(new[] { column });
        var getter = cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(column);
        var tokens = default(VBuffer<ReadOnlyMemory<char>>);
        while (cursor.MoveNext())
        {
            cancel.ThrowIfCancellationRequested();
            getter(ref tokens);
            handler(tokens.GetValues());   // sparse slots are empty tokens: skipping them is what we want
        }
    }
}

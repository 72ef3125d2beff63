using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>Streams the rows of a token column (<c>Vector&lt;String&gt;</c>, as <c>TokenizeIntoWords</c> makes) through an IDataView cursor.</summary>
internal static class TokenColumn
{
    /// <summary>Called once per row with its tokens; the memory is valid only during the call.</summary>
    public delegate void RowHandler(ReadOnlySpan<ReadOnlyMemory<char>> tokens);

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

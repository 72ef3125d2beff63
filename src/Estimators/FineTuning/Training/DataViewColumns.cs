using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>Reads training columns of an IDataView into memory, and the input checks the trainers share.</summary>
internal static class DataViewColumns
{
    /// <summary>Describes a column's type in ML.NET's words, for errors.</summary>
    public static string Describe(DataViewType type) => type.ToString();

    /// <summary>Reads each row of <paramref name="data"/> through the reader <paramref name="makeReader"/> builds from the cursor (its getters).</summary>
    public static List<T> ReadAll<T>(IDataView data, IEnumerable<DataViewSchema.Column> columns, Func<DataViewRow, Func<T>> makeReader,
        CancellationToken cancel = default)
    {
        var result = new List<T>();
        using var cursor = data.GetRowCursor(columns);
        var read = makeReader(cursor);
        while (cursor.MoveNext())
        {
            if ((cursor.Position & 1023) == 0)
                cancel.ThrowIfCancellationRequested();
            result.Add(read());
        }
        return result;
    }

    /// <summary>A getter of an integer column (Int32, Int64, UInt32 or a whole Single/Double) as Int64; NaN reads as −1.</summary>
    public static Func<long> IntegerReader(DataViewRow row, DataViewSchema.Column column)
    {
        switch (column.Type)
        {
            case var t when t == NumberDataViewType.Int32:
            {
                var g = row.GetGetter<int>(column); int v = 0;
                return () => { g(ref v); return v; };
            }
            case var t when t == NumberDataViewType.Int64:
            {
                var g = row.GetGetter<long>(column); long v = 0;
                return () => { g(ref v); return v; };
            }
            case var t when t == NumberDataViewType.UInt32:
            {
                var g = row.GetGetter<uint>(column); uint v = 0;
                return () => { g(ref v); return v; };
            }
            case var t when t == NumberDataViewType.Single:
            {
                var g = row.GetGetter<float>(column); float v = 0;
                return () => { g(ref v); return float.IsNaN(v) ? -1 : (long)v; };
            }
            case var t when t == NumberDataViewType.Double:
            {
                var g = row.GetGetter<double>(column); double v = 0;
                return () => { g(ref v); return double.IsNaN(v) ? -1 : (long)v; };
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(column), $"Schema mismatch for input column '{column.Name}': expected Int32, got {column.Type}.");
        }
    }

    public static bool IsInteger(DataViewType t) =>
        t == NumberDataViewType.Int32 || t == NumberDataViewType.Int64 || t == NumberDataViewType.UInt32
        || t == NumberDataViewType.Single || t == NumberDataViewType.Double;

    /// <summary>The key values of a key column as text (numbers formatted invariantly); null when it has none.</summary>
    public static string[] KeyValuesAsText(DataViewSchema.Column column)
    {
        var kv = column.Annotations.Schema.GetColumnOrNull("KeyValues");
        if (kv == null || kv.Value.Type is not VectorDataViewType vector)
            return null;
        var method = typeof(DataViewColumns).GetMethod(nameof(ReadKeyValues), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)
            .MakeGenericMethod(vector.ItemType.RawType);
        return (string[])method.Invoke(null, [column]);
    }

    private static string[] ReadKeyValues<T>(DataViewSchema.Column column)
    {
        VBuffer<T> values = default;
        column.GetKeyValues(ref values);
        return values.DenseValues().Select(v => v is ReadOnlyMemory<char> m ? m.ToString()
            : Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }
}

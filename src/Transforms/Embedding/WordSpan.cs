using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>A text with the character span of one word in it.</summary>
internal readonly record struct WordSpan(string Text, long Start, long Length)
{
    public void Check(long row)
    {
        if (Start < 0 || Length <= 0 || Start + Length > Text.Length)
            throw new ArgumentOutOfRangeException("Start",
                $"Row {row}: the span [Start {Start}, Length {Length}] lies outside its text of {Text.Length} characters ('{Shorten(Text)}'). Start must be >= 0, Length > 0, Start + Length <= text length.");
    }

    private static string Shorten(string s) => s.Length <= 60 ? s : s[..57] + "...";

    /// <summary>Accepted types for the Start and Length columns: integers (as <c>TokenizeIntoWords</c>-free user data has them).</summary>
    public static bool IsInteger(DataViewType t) =>
        t == NumberDataViewType.Int32 || t == NumberDataViewType.Int64 || t == NumberDataViewType.UInt32 || t == NumberDataViewType.Int16;

    public static Func<long> IntegerReader(DataViewRow row, int column)
    {
        var type = row.Schema[column].Type;
        var col = row.Schema[column];
        if (type == NumberDataViewType.Int32) { var g = row.GetGetter<int>(col); int v = 0; return () => { g(ref v); return v; }; }
        if (type == NumberDataViewType.Int64) { var g = row.GetGetter<long>(col); long v = 0; return () => { g(ref v); return v; }; }
        if (type == NumberDataViewType.UInt32) { var g = row.GetGetter<uint>(col); uint v = 0; return () => { g(ref v); return v; }; }
        { var g = row.GetGetter<short>(col); short v = 0; return () => { g(ref v); return v; }; }
    }
}

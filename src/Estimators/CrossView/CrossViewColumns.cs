using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>The token and tag columns of Cross-View Training: a String of white-space-separated items or a
/// Vector&lt;String&gt; of them; schema checks in ML.NET's wording and readers that give one string array per row.</summary>
internal static class CrossViewColumns
{
    public const string Expected = "String (white-space-separated) or Vector<String>";

    private static bool Accepts(DataViewType t) => t is TextDataViewType || t is VectorDataViewType { ItemType: TextDataViewType };

    public static DataViewSchema.Column Require(DataViewSchema schema, string name, string where = null) =>
        SchemaChecks.Require(schema, name, Expected, Accepts, where);

    public static SchemaShape.Column Require(SchemaShape shape, string name) =>
        SchemaChecks.Require(shape, name, Expected, c => c.ItemType is TextDataViewType);

    /// <summary>Reads the column as strings: a String split at white space, a vector as it is (missing text: none).</summary>
    public static Func<string[]> Reader(DataViewRow row, DataViewSchema.Column column)
    {
        if (column.Type is TextDataViewType)
        {
            var text = SchemaChecks.TextReader(row, column.Index);
            return () => CrossViewTokenizer.Tokens(text());
        }
        var getter = row.GetGetter<VBuffer<ReadOnlyMemory<char>>>(column);
        VBuffer<ReadOnlyMemory<char>> value = default;
        return () =>
        {
            getter(ref value);
            return value.DenseValues().Select(v => v.ToString()).ToArray();
        };
    }

    /// <summary>Labelled rows: tokens and tags, one tag per token; rows without tokens and tags are skipped, a row whose
    /// counts differ is an error naming it.</summary>
    public static List<LabelledSentence> ReadLabelled(IDataView data, string tokens, string tags, string where, CancellationToken cancel)
    {
        var t = Require(data.Schema, tokens, where);
        var g = Require(data.Schema, tags, where);
        var result = new List<LabelledSentence>();
        using var cursor = data.GetRowCursor([t, g]);
        var readTokens = Reader(cursor, t);
        var readTags = Reader(cursor, g);
        long row = 0;
        while (cursor.MoveNext())
        {
            cancel.ThrowIfCancellationRequested();
            var words = readTokens();
            var labels = readTags();
            if (words.Length != labels.Length)
                throw new ArgumentOutOfRangeException(where ?? nameof(data),
                    $"{(where == null ? "" : where + ": ")}Row {row} (0-based) has {words.Length} tokens in column '{tokens}' but {labels.Length} tags in column '{tags}'; every token needs exactly one tag.");
            if (words.Length > 0)
                result.Add(new LabelledSentence(words, labels));
            row++;
        }
        return result;
    }

    /// <summary>Unlabelled rows: their tokens (rows without tokens skipped).</summary>
    public static List<string[]> ReadTokens(IDataView data, string tokens, string where, CancellationToken cancel)
    {
        var t = Require(data.Schema, tokens, where);
        var result = new List<string[]>();
        using var cursor = data.GetRowCursor([t]);
        var read = Reader(cursor, t);
        while (cursor.MoveNext())
        {
            cancel.ThrowIfCancellationRequested();
            var words = read();
            if (words.Length > 0)
                result.Add(words);
        }
        return result;
    }
}

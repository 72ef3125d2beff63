using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual.Cli.Data;

/// <summary>In-memory IDataViews over examples: text only (the model's input), labelled text, or cached features.</summary>
public static class DataViews
{
    private sealed class Row
    {
        public string Text { get; set; }
        public string Text2 { get; set; }
        public bool BoolLabel { get; set; }
        public string ClassLabel { get; set; }
        public float Value { get; set; }
        public float[] Features { get; set; }
    }

    /// <summary>Columns Text (and Text2 for pairs): what the saved model takes.</summary>
    public static IDataView Text(MLContext ml, IEnumerable<Example> examples, bool pair) =>
        Load(ml, examples.Select(e => new Row { Text = e.Text, Text2 = e.Text2 }), pair, label: null, dimension: 0);

    /// <summary>Text (and Text2) with a Label: Boolean (binary), String (multiclass, to be mapped to keys) or Single (regression).</summary>
    public static IDataView Labeled(MLContext ml, TaskData data, IEnumerable<Example> examples) =>
        Load(ml, examples.Select(e => WithLabel(new Row { Text = e.Text, Text2 = e.Text2 }, data, e)), data.IsPair, LabelColumn(data), dimension: 0);

    /// <summary>Features (the cached encoder vectors) with a Label, for the trainers of the sweep.</summary>
    public static IDataView Features(MLContext ml, TaskData data, IReadOnlyList<Example> examples, IReadOnlyList<float[]> features, int dimension) =>
        Load(ml, examples.Select((e, i) => WithLabel(new Row { Features = features[i] }, data, e)), pair: false, LabelColumn(data), dimension, text: false);

    private static string LabelColumn(TaskData data) =>
        data.Task == TaskKind.Regression ? nameof(Row.Value) : data.IsBinary ? nameof(Row.BoolLabel) : nameof(Row.ClassLabel);

    private static Row WithLabel(Row row, TaskData data, Example e)
    {
        if (data.Task == TaskKind.Regression)
            row.Value = float.Parse(e.Label, System.Globalization.CultureInfo.InvariantCulture);
        else if (data.IsBinary)
            row.BoolLabel = e.Label == data.PositiveClass;
        else
            row.ClassLabel = e.Label;
        return row;
    }

    private static IDataView Load(MLContext ml, IEnumerable<Row> rows, bool pair, string label, int dimension, bool text = true)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        foreach (var column in schema.ToList())
        {
            string name = column.MemberName;
            bool keep = name switch
            {
                nameof(Row.Text) => text,
                nameof(Row.Text2) => text && pair,
                nameof(Row.Features) => dimension > 0,
                _ => name == label,
            };
            if (!keep)
                schema.Remove(column);
            else if (name == label)
                column.ColumnName = "Label";
            else if (name == nameof(Row.Features))
                column.ColumnType = new VectorDataViewType(NumberDataViewType.Single, dimension);
        }
        return ml.Data.LoadFromEnumerable(rows.ToList(), schema);
    }
}

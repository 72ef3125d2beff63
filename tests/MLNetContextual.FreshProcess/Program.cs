// usage: MLNetContextual.FreshProcess <model.zip> <input.txt: one text per line> <output column> <result.txt>
// Loads the zip in a new process (no registration call, no model files), transforms a "Text" column, writes the
// output column's floats one row per line ("R" format, so values round-trip exactly).
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

var ml = new MLContext();
var model = ml.Model.Load(args[0], out _);
var texts = File.ReadAllLines(args[1]).Select(t => new Row { Text = t });
var output = model.Transform(ml.Data.LoadFromEnumerable(texts));
var column = output.Schema[args[2]];
using var cursor = output.GetRowCursor([column]);
var getter = cursor.GetGetter<VBuffer<float>>(column);
VBuffer<float> value = default;
using var writer = new StreamWriter(args[3]);
while (cursor.MoveNext())
{
    getter(ref value);
    writer.WriteLine(string.Join(' ', value.DenseValues().Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
}
return 0;

internal sealed class Row
{
    public string Text { get; set; }
}

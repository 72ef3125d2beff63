// usage: MLNetContextual.FreshProcess <model.zip> <input.txt: one text per line> <output column> <result.txt> [native-libraries.txt]
// Loads the zip in a new process (no registration call, no model files), transforms a "Text" column (a line
// "context<TAB>question" fills "Text" and "Context" with the first part and "Question" with the second), writes the
// output column's floats one row per line ("R" format, so values round-trip exactly); a scalar Single column gives one
// value per line, a Vector<String> column its strings separated by spaces. With a fifth argument, also writes the native libraries mapped into the process when it is done
// (from /proc/self/maps on Linux), one path per line, so a test can tell what was loaded (libtorch or not).
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

var ml = new MLContext();
var model = ml.Model.Load(args[0], out _);
var texts = File.ReadAllLines(args[1]).Select(line => line.Split('\t', 2)).Select(p => new Row { Text = p[0], Context = p[0], Question = p.Length > 1 ? p[1] : "" });
var output = model.Transform(ml.Data.LoadFromEnumerable(texts));
var column = output.Schema[args[2]];
using (var cursor = output.GetRowCursor([column]))
using (var writer = new StreamWriter(args[3]))
{
    if (column.Type is NumberDataViewType { RawType: var raw } && raw == typeof(float))
    {
        var scalar = cursor.GetGetter<float>(column);
        float v = 0;
        while (cursor.MoveNext())
        {
            scalar(ref v);
            writer.WriteLine(v.ToString("R", CultureInfo.InvariantCulture));
        }
    }
    else if (column.Type is VectorDataViewType { ItemType: TextDataViewType })
    {
        var strings = cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(column);
        VBuffer<ReadOnlyMemory<char>> value = default;
        while (cursor.MoveNext())
        {
            strings(ref value);
            writer.WriteLine(string.Join(' ', value.DenseValues()));
        }
    }
    else
    {
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> value = default;
        while (cursor.MoveNext())
        {
            getter(ref value);
            writer.WriteLine(string.Join(' ', value.DenseValues().Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        }
    }
}
if (args.Length > 4)
{
    var libraries = OperatingSystem.IsLinux()
        ? File.ReadAllLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 6 && f[5].Contains(".so", StringComparison.Ordinal)).Select(f => f[5]).Distinct().Order()
        : System.Diagnostics.Process.GetCurrentProcess().Modules.Cast<System.Diagnostics.ProcessModule>().Select(m => m.FileName).Distinct().Order();
    File.WriteAllLines(args[4], libraries);
}
return 0;

internal sealed class Row
{
    public string Text { get; set; }
    public string Context { get; set; }
    public string Question { get; set; }
}

using Microsoft.ML;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>NLI-style pair classification: softmax over [u; v; |u − v|; u ∗ v] (Conneau et al. 2017, as USE trains it).</summary>
internal sealed class UsePairClassificationTask : UseTrainingTask
{
    private readonly string _first, _second, _label;

    public UsePairClassificationTask(string name, IDataView data, double weight, string first, string second, string label) : base(name, data, weight)
        => (_first, _second, _label) = (first, second, label);

    internal override string Kind => "pair classification";

    private static bool IsLabel(DataViewType t) => t is TextDataViewType || t is KeyDataViewType;

    internal override void CheckSchema(DataViewSchema schema, int dimension)
    {
        UseTaskColumns.RequireText(this, schema, _first, "first sentence");
        UseTaskColumns.RequireText(this, schema, _second, "second sentence");
        UseTaskColumns.Require(this, schema, _label, "label", "String or Key", IsLabel);
    }

    internal override UseTaskData Load(int dimension, CancellationToken cancel)
    {
        CheckSchema(Data.Schema, dimension);
        var a = Data.Schema[_first];
        var b = Data.Schema[_second];
        var l = Data.Schema[_label];
        var (rows, skipped) = UseTaskColumns.Read<Row>(this, [a, b, l], row =>
        {
            var ra = UseTaskColumns.Text(row, a);
            var rb = UseTaskColumns.Text(row, b);
            Func<string> rl;
            if (l.Type is KeyDataViewType)
            {
                var g = row.GetGetter<uint>(l);
                uint v = 0;
                rl = () => { g(ref v); return v == 0 ? null : v.ToString("D10", System.Globalization.CultureInfo.InvariantCulture); };
            }
            else
                rl = UseTaskColumns.Text(row, l);
            return () =>
            {
                string x = ra(), y = rb(), label = rl();
                return UseTaskColumns.Empty(x) || UseTaskColumns.Empty(y) || string.IsNullOrEmpty(label) ? null : new Row(x, y, label);
            };
        }, cancel);
        var classes = rows.Select(r => r.Label).Distinct().Order(StringComparer.Ordinal).ToList();
        if (classes.Count < 2)
            throw new ArgumentOutOfRangeException(_label, $"Task '{Name}' ({Kind}): label column '{_label}' holds {classes.Count} class; a classifier needs at least 2.");
        var index = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => (long)p.i);
        return new Examples(rows.Select(r => r.First).ToArray(), rows.Select(r => r.Second).ToArray(),
            rows.Select(r => index[r.Label]).ToArray(), classes.Count) { Skipped = skipped };
    }

    private sealed record Row(string First, string Second, string Label);

    private sealed class Examples(string[] first, string[] second, long[] labels, int classes) : UseTaskData
    {
        private TorchSharp.Modules.Linear _head;

        public override int Count => first.Length;
        public override IEnumerable<string> Texts => first.Concat(second);

        public override nn.Module CreateHead(int dimension) => _head = nn.Linear(4 * dimension, classes);

        public override Tensor Loss(IUseTrainable model, int[] rows, Random rng)
        {
            using var scope = NewDisposeScope();
            var (u, v) = UseTaskColumns.EmbedPairs(model, rows.Select(i => first[i]).ToArray(), rows.Select(i => second[i]).ToArray(), rng);
            var features = cat([u, v, (u - v).abs(), u * v], 1);              // (B, 4D)
            var logits = _head.call(features);                                  // (B, C)
            using var target = tensor(rows.Select(i => labels[i]).ToArray(), ScalarType.Int64);
            return nn.functional.cross_entropy(logits, target).MoveToOuterDisposeScope();
        }
    }
}

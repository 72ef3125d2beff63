using Microsoft.ML;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>Pair regression: squared error between cos(u, v) and the score scaled to [0, 1].</summary>
internal sealed class UsePairRegressionTask : UseTrainingTask
{
    private readonly string _first, _second, _score;

    public UsePairRegressionTask(string name, IDataView data, double weight, string first, string second, string score) : base(name, data, weight)
        => (_first, _second, _score) = (first, second, score);

    internal override string Kind => "pair regression";

    internal override void CheckSchema(DataViewSchema schema, int dimension)
    {
        UseTaskColumns.RequireText(this, schema, _first, "first sentence");
        UseTaskColumns.RequireText(this, schema, _second, "second sentence");
        UseTaskColumns.Require(this, schema, _score, "score", "Single or Double",
            t => t == NumberDataViewType.Single || t == NumberDataViewType.Double);
    }

    internal override UseTaskData Load(int dimension, CancellationToken cancel)
    {
        CheckSchema(Data.Schema, dimension);
        var a = Data.Schema[_first];
        var b = Data.Schema[_second];
        var s = Data.Schema[_score];
        var (rows, skipped) = UseTaskColumns.Read<Row>(this, [a, b, s], row =>
        {
            var ra = UseTaskColumns.Text(row, a);
            var rb = UseTaskColumns.Text(row, b);
            Func<double> rs;
            if (s.Type == NumberDataViewType.Single)
            {
                var g = row.GetGetter<float>(s);
                float v = 0;
                rs = () => { g(ref v); return v; };
            }
            else
            {
                var g = row.GetGetter<double>(s);
                double v = 0;
                rs = () => { g(ref v); return v; };
            }
            return () =>
            {
                string x = ra(), y = rb();
                double score = rs();
                return UseTaskColumns.Empty(x) || UseTaskColumns.Empty(y) || !double.IsFinite(score) ? null : new Row(x, y, score);
            };
        }, cancel);
        double min = rows.Min(r => r.Score), max = rows.Max(r => r.Score);
        if (max <= min)
            throw new ArgumentOutOfRangeException(_score, $"Task '{Name}' ({Kind}): every score in column '{_score}' is {min}; a regression needs different scores.");
        return new Examples(rows.Select(r => r.First).ToArray(), rows.Select(r => r.Second).ToArray(),
            rows.Select(r => (float)((r.Score - min) / (max - min))).ToArray()) { Skipped = skipped };
    }

    private sealed record Row(string First, string Second, double Score);

    private sealed class Examples(string[] first, string[] second, float[] scores) : UseTaskData
    {
        public override int Count => first.Length;
        public override IEnumerable<string> Texts => first.Concat(second);

        public override Tensor Loss(IUseTrainable model, int[] rows, Random rng)
        {
            using var scope = NewDisposeScope();
            var (u, v) = UseTaskColumns.EmbedPairs(model, rows.Select(i => first[i]).ToArray(), rows.Select(i => second[i]).ToArray(), rng);
            var cos = nn.functional.cosine_similarity(u, v, 1);                 // (B)
            using var target = tensor(rows.Select(i => scores[i]).ToArray());
            return nn.functional.mse_loss(cos, target).MoveToOuterDisposeScope();
        }
    }
}

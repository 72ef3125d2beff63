using Microsoft.ML;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>Validation pairs in memory, scored by the Spearman correlation of cosine (and angular) similarity with the gold scores.</summary>
internal sealed class UseValidation
{
    private readonly string[] _first, _second;
    private readonly double[] _gold;

    private UseValidation(string[] first, string[] second, double[] gold) => (_first, _second, _gold) = (first, second, gold);

    public static UseValidation Load(UseValidationPairs pairs, CancellationToken cancel)
    {
        if (pairs.Data == null)
            throw new ArgumentNullException(nameof(UniversalSentenceEncoderOptions.Validation), "Validation.Data is null.");
        var schema = pairs.Data.Schema;
        DataViewSchema.Column Need(string name, string role, string expected, Func<DataViewType, bool> accepts)
        {
            var c = schema.GetColumnOrNull(name ?? "")
                ?? throw new ArgumentOutOfRangeException(nameof(UniversalSentenceEncoderOptions.Validation), $"Validation pairs: could not find {role} column '{name}'.");
            return accepts(c.Type) ? c
                : throw new ArgumentOutOfRangeException(nameof(UniversalSentenceEncoderOptions.Validation), $"Validation pairs: schema mismatch for {role} column '{name}': expected {expected}, got {c.Type}.");
        }
        var a = Need(pairs.FirstColumnName, "first sentence", "String", t => t is TextDataViewType);
        var b = Need(pairs.SecondColumnName, "second sentence", "String", t => t is TextDataViewType);
        var s = Need(pairs.ScoreColumnName, "score", "Single or Double", t => t == NumberDataViewType.Single || t == NumberDataViewType.Double);
        var first = new List<string>();
        var second = new List<string>();
        var gold = new List<double>();
        using (var cursor = pairs.Data.GetRowCursor([a, b, s]))
        {
            var ra = UseTaskColumns.Text(cursor, a);
            var rb = UseTaskColumns.Text(cursor, b);
            Func<double> rs;
            if (s.Type == NumberDataViewType.Single)
            {
                var g = cursor.GetGetter<float>(s);
                float v = 0;
                rs = () => { g(ref v); return v; };
            }
            else
            {
                var g = cursor.GetGetter<double>(s);
                double v = 0;
                rs = () => { g(ref v); return v; };
            }
            while (cursor.MoveNext())
            {
                cancel.ThrowIfCancellationRequested();
                first.Add(ra());
                second.Add(rb());
                gold.Add(rs());
            }
        }
        if (first.Count < 2)
            throw new ArgumentOutOfRangeException(nameof(UniversalSentenceEncoderOptions.Validation), $"Validation pairs: {first.Count} row(s); a correlation needs at least 2.");
        return new UseValidation([.. first], [.. second], [.. gold]);
    }

    /// <summary>(Spearman of cosine, Spearman of angular similarity), the model in eval mode.</summary>
    public (double Cosine, double Angular) Score(IUseTrainable model, int batchSize)
    {
        var cos = new double[_first.Length];
        var ang = new double[_first.Length];
        var rng = new Random(0);
        using var _ = no_grad();
        for (int start = 0; start < _first.Length; start += batchSize)
        {
            int n = Math.Min(batchSize, _first.Length - start);
            using var scope = NewDisposeScope();
            var u = model.Embed(_first.AsSpan(start, n).ToArray(), rng, training: false).contiguous().data<float>().ToArray();
            var v = model.Embed(_second.AsSpan(start, n).ToArray(), rng, training: false).contiguous().data<float>().ToArray();
            int d = model.Dimension;
            for (int k = 0; k < n; k++)
            {
                var uk = u.AsSpan(k * d, d);
                var vk = v.AsSpan(k * d, d);
                cos[start + k] = UseSimilarity.Cosine(uk, vk);
                ang[start + k] = UseSimilarity.Angular(uk, vk);
            }
        }
        return (Spearman(cos, _gold), Spearman(ang, _gold));
    }

    /// <summary>Spearman's ρ: Pearson's r of the ranks (ties get their mean rank).</summary>
    internal static double Spearman(double[] x, double[] y) => Pearson(Ranks(x), Ranks(y));

    private static double[] Ranks(double[] v)
    {
        var order = Enumerable.Range(0, v.Length).OrderBy(i => v[i]).ToArray();
        var ranks = new double[v.Length];
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            while (j + 1 < order.Length && v[order[j + 1]] == v[order[i]])
                j++;
            for (int k = i; k <= j; k++)
                ranks[order[k]] = (i + j) / 2.0;
            i = j + 1;
        }
        return ranks;
    }

    private static double Pearson(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? 0 : sxy / Math.Sqrt(sxx * syy);
    }
}

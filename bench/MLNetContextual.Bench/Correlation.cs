namespace MLNetContextual.Bench;

/// <summary>Correlations the evaluation runners report.</summary>
internal static class Correlation
{
    /// <summary>Spearman's rho: Pearson correlation of the ranks, ties given their average rank (as scipy does); NaN below 2 pairs.</summary>
    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y) =>
        x.Count < 2 ? double.NaN : Pearson(Ranks(x), Ranks(y));

    /// <summary>1-based ranks; ties get their average rank.</summary>
    public static double[] Ranks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]])
                end++;
            double rank = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++)
                ranks[order[k]] = rank;
            start = end + 1;
        }
        return ranks;
    }

    public static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.Sqrt(sxx * syy);
    }
}

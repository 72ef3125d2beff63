namespace MLNetContextual;

/// <summary>
/// Draws negative target words with probability proportional to count^power (the reference: chainer's
/// <c>NegativeSampling</c> with <c>-p 0.75</c>, a Walker alias table over the training counts). Walker/Vose alias method:
/// O(1) per draw, from a seeded <see cref="Random"/> so that training is repeatable.
/// </summary>
internal sealed class Context2VecSampler
{
    private readonly double[] _probability;
    private readonly int[] _alias;

    public Context2VecSampler(IReadOnlyList<long> counts, double power)
    {
        int n = counts.Count;
        var weights = counts.Select(c => c > 0 ? Math.Pow(c, power) : 0.0).ToArray();
        double total = weights.Sum();
        if (!(total > 0))
            throw new ArgumentException("The negative sampler needs at least one word with a positive count.", nameof(counts));
        Probabilities = weights.Select(w => w / total).ToArray();
        _probability = new double[n];
        _alias = new int[n];
        var scaled = Probabilities.Select(p => p * n).ToArray();
        var small = new Stack<int>();
        var large = new Stack<int>();
        for (int i = 0; i < n; i++)
            (scaled[i] < 1 ? small : large).Push(i);
        while (small.Count > 0 && large.Count > 0)
        {
            int s = small.Pop(), l = large.Pop();
            _probability[s] = scaled[s];
            _alias[s] = l;
            scaled[l] = scaled[l] + scaled[s] - 1;
            (scaled[l] < 1 ? small : large).Push(l);
        }
        while (large.Count > 0)
            _probability[large.Pop()] = 1;
        int most = Array.IndexOf(weights, weights.Max());
        while (small.Count > 0)       // rounding leftovers: keep words with a count, send zero-count ones to the most frequent
        {
            int i = small.Pop();
            (_probability[i], _alias[i]) = weights[i] > 0 ? (1.0, i) : (0.0, most);
        }
    }

    /// <summary>The probability of each id: count^power / Σ count^power.</summary>
    public IReadOnlyList<double> Probabilities { get; }

    /// <summary>Fills <paramref name="ids"/> with independent draws.</summary>
    public void Sample(Random random, Span<long> ids)
    {
        int n = _probability.Length;
        for (int k = 0; k < ids.Length; k++)
        {
            int i = random.Next(n);
            ids[k] = random.NextDouble() < _probability[i] ? i : _alias[i];
        }
    }
}

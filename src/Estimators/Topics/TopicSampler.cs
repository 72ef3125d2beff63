using System.Runtime.InteropServices;

namespace MLNetContextual;

/// <summary>
/// Turns a document's posterior (μ, log σ²) into topic proportions: the mean of softmax(μ + σ·ε) over N draws of ε, as
/// the reference's <c>get_doc_topic_distribution</c> does. The draws come from a generator (SplitMix64, Box–Muller)
/// seeded by a hash of the document's own input and the model's inference seed, so they do not depend on which other
/// rows share the batch. N = 0 gives softmax(μ).
/// </summary>
internal static class TopicSampler
{
    public static float[] Proportions(float[] mu, float[] logVar, int samples, ulong seed)
    {
        int k = mu.Length;
        var result = new float[k];
        if (samples == 0)
        {
            Softmax(mu, result, 1.0);
            return result;
        }
        var rng = new SplitMix64(seed);
        var z = new double[k];
        var theta = new double[k];
        var sum = new double[k];
        for (int s = 0; s < samples; s++)
        {
            for (int i = 0; i < k; i++)
                z[i] = mu[i] + Math.Exp(0.5 * logVar[i]) * rng.NextGaussian();
            SoftmaxInto(z, theta);
            for (int i = 0; i < k; i++)
                sum[i] += theta[i];
        }
        for (int i = 0; i < k; i++)
            result[i] = (float)(sum[i] / samples);
        return result;
    }

    /// <summary>The seed of a document: FNV-1a over its embedding's and counts' bytes, mixed with <paramref name="modelSeed"/>.</summary>
    public static ulong SeedOf(BagOfWords bow, ReadOnlySpan<float> embedding, int modelSeed)
    {
        ulong h = 14695981039346656037UL ^ (ulong)(uint)modelSeed;
        h = Fnv(h, MemoryMarshal.AsBytes(embedding));
        h = Fnv(h, MemoryMarshal.AsBytes(bow.Ids.AsSpan()));
        h = Fnv(h, MemoryMarshal.AsBytes(bow.Counts.AsSpan()));
        return h;
    }

    private static ulong Fnv(ulong h, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            h ^= b;
            h *= 1099511628211UL;
        }
        return h;
    }

    private static void Softmax(float[] x, float[] result, double scale)
    {
        var z = x.Select(v => (double)v * scale).ToArray();
        var p = new double[z.Length];
        SoftmaxInto(z, p);
        for (int i = 0; i < p.Length; i++)
            result[i] = (float)p[i];
    }

    private static void SoftmaxInto(double[] z, double[] p)
    {
        double max = z.Max(), total = 0;
        for (int i = 0; i < z.Length; i++)
            total += p[i] = Math.Exp(z[i] - max);
        for (int i = 0; i < z.Length; i++)
            p[i] /= total;
    }

    /// <summary>Steele, Lea and Flood's SplitMix64; Gaussian draws by Box–Muller.</summary>
    private struct SplitMix64(ulong state)
    {
        private ulong _state = state;
        private double _spare;
        private bool _hasSpare;

        private ulong Next()
        {
            ulong z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        private double NextUniform() => ((Next() >> 11) + 0.5) * (1.0 / (1UL << 53));   // in (0, 1)

        public double NextGaussian()
        {
            if (_hasSpare)
            {
                _hasSpare = false;
                return _spare;
            }
            double r = Math.Sqrt(-2.0 * Math.Log(NextUniform())), angle = 2 * Math.PI * NextUniform();
            _spare = r * Math.Sin(angle);
            _hasSpare = true;
            return r * Math.Cos(angle);
        }
    }
}

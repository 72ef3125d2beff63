namespace MLNetContextual;

/// <summary>
/// GloVe (Pennington et al. 2014) as the reference glove.c trains it: minimise Σ f(X_ij)(w_i·c_j + b_i + b'_j − log X_ij)²
/// with f(x) = min(1, (x / XMax)^Alpha) by AdaGrad (initial learning rate 0.05, squared-gradient sums starting at 1,
/// gradients clipped to ±100; like glove.c 1.2, the biases step without the learning rate), over the co-occurrence
/// records shuffled once (<see cref="CooccurrenceRecords"/>: in memory, or streamed from a temporary file on every
/// epoch), each thread updating its share lock-free.
/// The result is word + context vector (glove -model 2).
/// </summary>
internal sealed class GloVeTrainer
{
    private const float GradClip = 100f;
    private readonly GloVeOptions options;
    private readonly int vocabSize, dim, stride;
    private readonly float[] w;      // (2V, D + 1): word rows, then context rows; bias in the last column
    private readonly float[] gradsq; // AdaGrad sums, same shape

    public GloVeTrainer(int vocabSize, GloVeOptions options)
    {
        this.options = options;
        this.vocabSize = vocabSize;
        dim = options.Dimension;
        stride = dim + 1;
        w = new float[checked(2L * vocabSize * stride)];
        gradsq = new float[w.Length];
        var rng = new Random(options.Seed);
        for (int i = 0; i < w.Length; i++) w[i] = (float)((rng.NextDouble() - 0.5) / dim);
        Array.Fill(gradsq, 1f);
    }

    /// <summary>Mean weighted squared error of the last epoch (glove's "cost").</summary>
    public double LastCost { get; private set; }

    /// <summary>Trains every epoch over the (already shuffled) records and returns word + context vectors, (V, D).</summary>
    public float[] Train(CooccurrenceRecords records)
    {
        long n = records.Count;
        int threads = (int)Math.Max(1, Math.Min(options.NumberOfThreads ?? Environment.ProcessorCount, n));
        var cost = new double[threads];
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            if (threads == 1) cost[0] = Run(records, 0, n);
            else
            {
                var workers = new Thread[threads];
                Exception failure = null;
                for (int t = 0; t < threads; t++)
                {
                    int id = t;
                    long from = n * id / threads, to = n * (id + 1) / threads;
                    workers[t] = new Thread(() =>
                    {
                        try { cost[id] = Run(records, from, to); }
                        catch (Exception e) { Interlocked.CompareExchange(ref failure, e, null); }   // e.g. a read error on the streamed file
                    }) { IsBackground = true, Name = $"glove-{id}" };
                    workers[t].Start();
                }
                foreach (var worker in workers) worker.Join();
                if (failure != null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }
            double sum = 0;
            foreach (double c in cost) sum += c;
            LastCost = sum / n;
        }

        var result = new float[(long)vocabSize * dim];
        for (int i = 0; i < vocabSize; i++)
        {
            var word = w.AsSpan(i * stride, dim);
            var context = w.AsSpan((vocabSize + i) * stride, dim);
            var row = result.AsSpan(i * dim, dim);
            for (int d = 0; d < dim; d++) row[d] = word[d] + context[d];
        }
        return result;
    }

    private double Run(CooccurrenceRecords records, long from, long to)
    {
        var update1 = new float[dim];
        var update2 = new float[dim];
        double cost = 0;
        records.ForEachBlock(from, to, block => cost += Run(block, update1, update2));
        return cost;
    }

    private double Run(ReadOnlySpan<CooccurrenceRecord> records, float[] update1, float[] update2)
    {
        float eta = (float)options.LearningRate;
        double xMax = options.XMax, alpha = options.Alpha;
        double cost = 0;
        foreach (var record in records)
        {
            int l1 = record.Word * stride, l2 = (vocabSize + record.Context) * stride;
            var w1 = w.AsSpan(l1, dim);
            var w2 = w.AsSpan(l2, dim);
            var g1 = gradsq.AsSpan(l1, dim);
            var g2 = gradsq.AsSpan(l2, dim);
            float x = record.Count;

            float diff = VectorMath.Dot(w1, w2) + w[l1 + dim] + w[l2 + dim] - MathF.Log(x);
            float fdiff = x > xMax ? diff : (float)Math.Pow(x / xMax, alpha) * diff;
            if (!float.IsFinite(diff) || !float.IsFinite(fdiff)) continue;
            cost += 0.5 * fdiff * diff;

            float sum1 = 0, sum2 = 0;
            for (int d = 0; d < dim; d++)
            {
                float t1 = Math.Clamp(fdiff * w2[d], -GradClip, GradClip) * eta;
                float t2 = Math.Clamp(fdiff * w1[d], -GradClip, GradClip) * eta;
                update1[d] = t1 / MathF.Sqrt(g1[d]);
                update2[d] = t2 / MathF.Sqrt(g2[d]);
                sum1 += update1[d];
                sum2 += update2[d];
                g1[d] += t1 * t1;
                g2[d] += t2 * t2;
            }
            if (float.IsFinite(sum1) && float.IsFinite(sum2))
            {
                VectorMath.AddScaled(-1f, update1, w1);
                VectorMath.AddScaled(-1f, update2, w2);
            }
            // The reference (glove.c 1.2) steps the biases without eta: plain AdaGrad on the bias gradient.
            w[l1 + dim] -= Finite(fdiff / MathF.Sqrt(gradsq[l1 + dim]));
            w[l2 + dim] -= Finite(fdiff / MathF.Sqrt(gradsq[l2 + dim]));
            gradsq[l1 + dim] += fdiff * fdiff;
            gradsq[l2 + dim] += fdiff * fdiff;
        }
        return cost;
    }

    private static float Finite(float update) => float.IsFinite(update) ? update : 0f;
}

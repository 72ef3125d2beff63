using System.Collections.Concurrent;
using Microsoft.ML;

namespace MLNetContextual;

/// <summary>
/// word2vec with negative sampling, as word2vec.c (Mikolov et al. 2013): skip-gram or CBOW, frequent-word subsampling,
/// a unigram^0.75 noise table, a random window shrink b per position, a learning rate decaying linearly with the words
/// processed, the logistic function from a 1000-entry table over [-6, 6], and lock-free (Hogwild) updates from several
/// threads. The corpus is streamed: one cursor per epoch, rows cut into chunks handed to the workers through a bounded
/// queue, so memory is the vocabulary × dimension matrices plus a few chunks.
/// </summary>
/// <remarks>
/// Differences from word2vec.c: rows are the sentences (no &lt;/s&gt; token, so no vector for it and no special case for
/// index 0 in negative sampling); the noise table has 100 entries per vocabulary word (between 1e6 and 1e8) instead of
/// a fixed 1e8 (400 MB); the learning rate is refreshed at sentence starts once 10,000 words have passed.
/// </remarks>
internal sealed class Word2VecTrainer
{
    private const int ExpTableSize = 1000;
    private const float MaxExp = 6f;
    private const int ChunkWords = 16384;
    private const ulong Lcg = 25214903917UL;

    private readonly Word2VecOptions options;
    private readonly Vocabulary vocab;
    private readonly int dim;
    private readonly float[] syn0;        // (V, D) input vectors: the result
    private readonly float[] syn1neg;     // (V, D) output vectors for negative sampling
    private readonly float[] expTable;    // σ on [-MaxExp, MaxExp]
    private readonly int[] noiseTable;    // word ids, each repeated ∝ count^0.75
    private readonly float[] keepScore;   // subsampling: drop a word when keepScore < uniform(0, 1)
    private readonly float startingAlpha;
    private readonly long totalWords;     // epochs × vocabulary occurrences
    private long wordCountActual;

    public Word2VecTrainer(Vocabulary vocab, Word2VecOptions options)
    {
        this.vocab = vocab;
        this.options = options;
        dim = options.Dimension;
        int v = vocab.Size;
        startingAlpha = (float)(options.LearningRate ?? (options.Model == Word2VecModel.Cbow ? 0.05 : 0.025));
        totalWords = options.Epochs * vocab.TotalCount;

        syn0 = new float[checked((long)v * dim)];
        syn1neg = new float[syn0.Length];
        ulong next = (ulong)options.Seed;
        for (int i = 0; i < syn0.Length; i++)
        {
            next = next * Lcg + 11;
            syn0[i] = ((next & 0xFFFF) / 65536f - 0.5f) / dim;
        }

        expTable = new float[ExpTableSize + 1];
        for (int i = 0; i < expTable.Length; i++)
        {
            double e = Math.Exp((i / (double)ExpTableSize * 2 - 1) * MaxExp);
            expTable[i] = (float)(e / (e + 1));
        }

        noiseTable = BuildNoiseTable(vocab.Counts);

        keepScore = new float[v];
        double threshold = options.Sample * vocab.TotalCount;
        for (int i = 0; i < v; i++)
            keepScore[i] = options.Sample > 0
                ? (float)((Math.Sqrt(vocab.Counts[i] / threshold) + 1) * threshold / vocab.Counts[i])
                : float.PositiveInfinity;
    }

    /// <summary>Words read by all workers over all epochs, subsampled ones included (the figure word2vec.c reports speed in).</summary>
    public long WordsProcessed => Interlocked.Read(ref wordCountActual);

    /// <summary>Runs all epochs and returns the input vectors, (V, D) row-major.</summary>
    public float[] Train(IDataView data, string column)
    {
        var col = StaticWordEmbeddingTransformer.RequireTokens(data.Schema, column);
        int threads = options.NumberOfThreads ?? Environment.ProcessorCount;
        using var queue = new BlockingCollection<RowChunk>(boundedCapacity: 2 * threads + 2);
        using var stop = new CancellationTokenSource();
        Exception failure = null;
        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            int id = t;
            workers[t] = new Thread(() =>
            {
                try { new Worker(this, id).Run(queue, stop.Token); }
                catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref failure, e, null);
                    stop.Cancel();
                }
            }) { IsBackground = true, Name = $"word2vec-{id}" };
            workers[t].Start();
        }

        try
        {
            for (int epoch = 0; epoch < options.Epochs; epoch++)
                Produce(data, col, queue, stop.Token);
        }
        catch (OperationCanceledException) when (failure != null) { }
        catch
        {
            stop.Cancel();
            throw;
        }
        finally
        {
            queue.CompleteAdding();
            foreach (var w in workers) w.Join();
        }
        if (failure != null) throw new InvalidOperationException($"A word2vec training thread failed: {failure.Message}", failure);
        return syn0;
    }

    /// <summary>One pass of the cursor: rows become chunks of vocabulary ids (out-of-vocabulary tokens dropped, as word2vec.c does).</summary>
    private void Produce(IDataView data, Microsoft.ML.DataViewSchema.Column col, BlockingCollection<RowChunk> queue, CancellationToken cancel)
    {
        var lookup = vocab.Lookup;
        var chunk = new RowChunk();
        TokenColumn.ForEachRow(data, col, row =>
        {
            foreach (var token in row)
                if (lookup.TryGetValue(token.Span, out int id)) chunk.Add(id);
            chunk.EndRow();
            if (chunk.WordCount >= ChunkWords)
            {
                queue.Add(chunk, cancel);
                chunk = new RowChunk();
            }
        }, cancel);
        if (chunk.RowCount > 0) queue.Add(chunk, cancel);
    }

    private static int[] BuildNoiseTable(long[] counts)
    {
        const double power = 0.75;
        int size = (int)Math.Clamp(100L * counts.Length, 1_000_000L, 100_000_000L);
        var table = new int[size];
        double total = 0;
        foreach (long c in counts) total += Math.Pow(c, power);
        int i = 0;
        double d1 = Math.Pow(counts[0], power) / total;
        for (int a = 0; a < size; a++)
        {
            table[a] = i;
            if (a / (double)size > d1)
            {
                i++;
                if (i < counts.Length) d1 += Math.Pow(counts[i], power) / total;
            }
            if (i >= counts.Length) i = counts.Length - 1;
        }
        return table;
    }

    /// <summary>Rows of vocabulary ids, concatenated.</summary>
    private sealed class RowChunk
    {
        public int[] Words = new int[ChunkWords + 1024];
        public int[] RowEnds = new int[256];
        public int WordCount;
        public int RowCount;

        public void Add(int id)
        {
            if (WordCount == Words.Length) Array.Resize(ref Words, Words.Length * 2);
            Words[WordCount++] = id;
        }

        public void EndRow()
        {
            if (RowCount > 0 && RowEnds[RowCount - 1] == WordCount) return;   // empty row
            if (RowCount == RowEnds.Length) Array.Resize(ref RowEnds, RowEnds.Length * 2);
            RowEnds[RowCount++] = WordCount;
        }
    }

    /// <summary>One training thread (word2vec.c TrainModelThread).</summary>
    private sealed class Worker
    {
        private readonly Word2VecTrainer m;
        private readonly int dim, window, negative;
        private readonly bool cbow;
        private readonly float[] neu1, neu1e;
        private readonly int[] sentence;
        private ulong next;
        private long wordCount, lastWordCount;
        private float alpha;

        public Worker(Word2VecTrainer model, int id)
        {
            m = model;
            dim = m.dim;
            window = m.options.Window;
            negative = m.options.Negative;
            cbow = m.options.Model == Word2VecModel.Cbow;
            neu1 = new float[dim];
            neu1e = new float[dim];
            sentence = new int[m.options.MaxSentenceLength];
            next = (ulong)m.options.Seed + (ulong)id;
            alpha = m.startingAlpha;
        }

        public void Run(BlockingCollection<RowChunk> queue, CancellationToken cancel)
        {
            bool subsample = m.options.Sample > 0;
            float[] keep = m.keepScore;
            int max = sentence.Length;
            foreach (var chunk in queue.GetConsumingEnumerable(cancel))
            {
                int start = 0;
                for (int r = 0; r < chunk.RowCount; r++)
                {
                    int end = chunk.RowEnds[r], length = 0;
                    for (int p = start; p < end; p++)
                    {
                        int w = chunk.Words[p];
                        wordCount++;
                        if (subsample)
                        {
                            next = next * Lcg + 11;
                            if (keep[w] < (next & 0xFFFF) / 65536f) continue;
                        }
                        sentence[length++] = w;
                        if (length == max)
                        {
                            TrainSentence(length);
                            length = 0;
                        }
                    }
                    if (length > 0) TrainSentence(length);
                    start = end;
                }
            }
            Interlocked.Add(ref m.wordCountActual, wordCount - lastWordCount);
        }

        private void UpdateAlpha()
        {
            if (wordCount - lastWordCount <= 10000) return;
            long actual = Interlocked.Add(ref m.wordCountActual, wordCount - lastWordCount);
            lastWordCount = wordCount;
            alpha = m.startingAlpha * (1 - actual / (float)(m.totalWords + 1));
            if (alpha < m.startingAlpha * 0.0001f) alpha = m.startingAlpha * 0.0001f;
        }

        private void TrainSentence(int length)
        {
            UpdateAlpha();
            float[] syn0 = m.syn0;
            for (int pos = 0; pos < length; pos++)
            {
                int word = sentence[pos];
                next = next * Lcg + 11;
                int b = (int)(next % (ulong)window);
                if (cbow)
                {
                    Array.Clear(neu1);
                    int cw = 0;
                    for (int a = b; a < window * 2 + 1 - b; a++)
                    {
                        if (a == window) continue;
                        int c = pos - window + a;
                        if (c < 0 || c >= length) continue;
                        VectorMath.AddScaled(1f, syn0.AsSpan(sentence[c] * dim, dim), neu1);
                        cw++;
                    }
                    if (cw == 0) continue;
                    float inv = 1f / cw;
                    for (int i = 0; i < dim; i++) neu1[i] *= inv;
                    Array.Clear(neu1e);
                    NegativeSampling(word, neu1);
                    for (int a = b; a < window * 2 + 1 - b; a++)
                    {
                        if (a == window) continue;
                        int c = pos - window + a;
                        if (c < 0 || c >= length) continue;
                        VectorMath.AddScaled(1f, neu1e, syn0.AsSpan(sentence[c] * dim, dim));
                    }
                }
                else
                {
                    for (int a = b; a < window * 2 + 1 - b; a++)
                    {
                        if (a == window) continue;
                        int c = pos - window + a;
                        if (c < 0 || c >= length) continue;
                        var l1 = syn0.AsSpan(sentence[c] * dim, dim);
                        Array.Clear(neu1e);
                        NegativeSampling(word, l1);
                        VectorMath.AddScaled(1f, neu1e, l1);
                    }
                }
            }
        }

        /// <summary>The word itself (label 1) and <c>negative</c> noise words (label 0) against the hidden vector <paramref name="hidden"/>; accumulates its gradient in neu1e.</summary>
        private void NegativeSampling(int word, ReadOnlySpan<float> hidden)
        {
            float[] syn1neg = m.syn1neg;
            int[] table = m.noiseTable;
            float[] exp = m.expTable;
            for (int d = 0; d <= negative; d++)
            {
                int target;
                float label;
                if (d == 0)
                {
                    target = word;
                    label = 1;
                }
                else
                {
                    next = next * Lcg + 11;
                    target = table[(int)((next >> 16) % (ulong)table.Length)];
                    if (target == word) continue;
                    label = 0;
                }
                var l2 = syn1neg.AsSpan(target * dim, dim);
                float f = VectorMath.Dot(hidden, l2);
                float g;
                if (f > MaxExp) g = (label - 1) * alpha;
                else if (f < -MaxExp) g = label * alpha;
                else g = (label - exp[(int)((f + MaxExp) * (ExpTableSize / MaxExp / 2))]) * alpha;
                VectorMath.BackpropOutput(g, l2, hidden, neu1e);
            }
        }
    }
}

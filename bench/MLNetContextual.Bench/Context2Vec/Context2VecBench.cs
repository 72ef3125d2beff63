using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.ML;
using MLNetContextual.Bench.Elmo;

namespace MLNetContextual.Bench.Context2Vec;

/// <summary>
/// <c>c2v-train [--sentences 20000] [--epochs 1] [--unit 100] [--batch 100] [--min-count 3] [--max-length 64]
/// [--threads 2] [--max-batches N] [--lr 0.001] [--fit 4428] [--save PATH] [--compare-torch]</c>: trains context2vec on sentences of the shared English
/// corpus (Gutenberg paragraphs, Brown sentences, Reuters documents split at . ! ? into sentences of 2–max-length words,
/// shuffled with seed 1, the first --sentences of them), shape --unit/2×/4×/2× as the reference's <c>-u</c>; then WiC
/// (train split, as elmo-wic: cosine of the two slots' context vectors, threshold the best on the first --fit pairs,
/// accuracy on the rest) and lexical substitution examples.
/// </summary>
internal static class Context2VecBench
{
    private static string Arg(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private static readonly Regex SentenceEnd = new(@"(?<=[.!?])\s+", RegexOptions.Compiled);

    public sealed class Row
    {
        public string Text { get; set; }
    }

    public static int Train(string[] args)
    {
        int sentences = int.Parse(Arg(args, "--sentences", "20000")), epochs = int.Parse(Arg(args, "--epochs", "1"));
        int unit = int.Parse(Arg(args, "--unit", "100")), batch = int.Parse(Arg(args, "--batch", "100"));
        int minCount = int.Parse(Arg(args, "--min-count", "3")), maxLength = int.Parse(Arg(args, "--max-length", "64"));
        int threads = int.Parse(Arg(args, "--threads", "2")), fit = int.Parse(Arg(args, "--fit", "4428"));
        string maxBatches = Arg(args, "--max-batches", null), save = Arg(args, "--save", null);
        double lr = double.Parse(Arg(args, "--lr", "0.001"), System.Globalization.CultureInfo.InvariantCulture);

        var all = ElmoCorpus.All()
            .SelectMany(t => SentenceEnd.Split(t))
            .Select(s => s.Trim())
            .Where(s => { int n = s.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length; return n >= 2 && n <= maxLength; })
            .ToArray();
        new Random(1).Shuffle(all);
        var validation = all.Take(500).Select(s => new Row { Text = s }).ToList();
        var train = all.Skip(500).Take(sentences).Select(s => new Row { Text = s }).ToList();
        long words = train.Sum(r => r.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).LongLength);
        Console.WriteLine($"corpus: {all.Length} sentences of 2–{maxLength} words; training on {train.Count} ({words} white-space words), validation {validation.Count}.");

        var ml = new MLContext(seed: 1);
        var model = new Context2VecConfig { WordEmbeddingDim = unit, LstmHiddenDim = 2 * unit, MlpHiddenDim = 4 * unit, ContextDim = 2 * unit };
        var options = new LearnContext2VecOptions
        {
            InputColumnName = "Text", OutputColumnName = "Features", Model = model, Epochs = epochs, BatchSize = batch, MinCount = minCount, LearningRate = lr,
            MaxSentenceLength = maxLength, NumberOfThreads = threads, ValidationSet = ml.Data.LoadFromEnumerable(validation),
            MaxBatchesPerEpoch = maxBatches == null ? null : int.Parse(maxBatches), ProgressInterval = 50,
            Progress = new Reporter(p => Console.WriteLine(p.EpochDone
                ? $"epoch {p.Epoch}: {p.Batch} batches, train loss {p.TrainLoss:F4}/word, validation loss {p.ValidationLoss:F4}/word, {p.WordsPerSecond:F0} words/s"
                : $"  epoch {p.Epoch} batch {p.Batch}/{p.Batches}: loss {p.TrainLoss:F4}/word, {p.WordsPerSecond:F0} words/s")),
        };
        Console.WriteLine($"shape {unit}/{2 * unit}/{4 * unit}/{2 * unit} (word embedding / LSTM / MLP hidden / context), {epochs} epoch(s), batch {batch}, " +
            $"min count {minCount}, {options.NegativeSamples} negatives ^{options.SamplingPower}, Adam {options.LearningRate}, {threads} threads");
        var clock = Stopwatch.StartNew();
        using var transformer = ml.Transforms.Text.LearnContext2Vec(options).Fit(ml.Data.LoadFromEnumerable(train));
        var c2v = (Context2VecEncoder)transformer.Encoder;
        Console.WriteLine($"trained in {clock.Elapsed.TotalSeconds:F0} s; vocabulary {c2v.Vocabulary.Count} (with <UNK>, <BOS>, <EOS>).");
        if (save != null)
        {
            ml.Model.Save(transformer, ml.Data.LoadFromEnumerable(train).Schema, save);
            Console.WriteLine($"saved {save} ({new FileInfo(save).Length / 1024} KiB)");
        }

        Wic(ml, c2v, fit, threads);
        if (args.Contains("--compare-torch"))
            CompareTorch(c2v, threads);

        Console.WriteLine();
        Console.WriteLine("Lexical substitution (top 8, the word in brackets left out):");
        foreach (var (text, word) in new[]
        {
            ("I drank a cup of coffee this morning .", "coffee"),
            ("She sat on the bank of the river .", "bank"),
            ("The company said its profits rose in the first quarter .", "profits"),
            ("He walked slowly into the room .", "slowly"),
            ("The king and the queen went to church .", "queen"),
        })
        {
            var subs = c2v.SubstitutesAt(text, text.IndexOf(word, StringComparison.Ordinal), word.Length, count: 8);
            Console.WriteLine($"  {text.Replace(word, "[" + word + "]")}  →  {string.Join(", ", subs.Select(s => $"{s.Word} {s.Score:F2}"))}");
        }
        return 0;
    }

    private static void Wic(MLContext ml, Context2VecEncoder c2v, int fit, int threads)
    {
        var data = File.ReadAllLines(Datasets.File("wic", "train", "train.data.txt"));
        var gold = File.ReadAllLines(Datasets.File("wic", "train", "train.gold.txt")).Select(g => g.Trim() == "T").ToArray();
        fit = Math.Min(fit, data.Length - 1);
        var first = new List<ElmoDownstream.SpanRow>();
        var second = new List<ElmoDownstream.SpanRow>();
        foreach (var line in data)
        {
            var p = line.Split('\t');
            var idx = p[2].Split('-').Select(int.Parse).ToArray();
            first.Add(ElmoDownstream.Span(p[3], idx[0]));
            second.Add(ElmoDownstream.Span(p[4], idx[1]));
        }
        var estimator = ml.Transforms.Text.ApplyContextualWordEmbedding("Vector", "Text", options: new ContextualWordEmbeddingOptions
        {
            Encoder = c2v, IntraOpThreads = threads, BatchSize = 64,
        });
        var clock = Stopwatch.StartNew();
        var a = ElmoDownstream.Vectors(ml, estimator, first);
        var b = ElmoDownstream.Vectors(ml, estimator, second);
        double seconds = clock.Elapsed.TotalSeconds;
        var cos = a.Zip(b, ElmoDownstream.Cosine).ToArray();
        var sorted = cos.Take(fit).Order().ToArray();
        double best = 0, threshold = 0;
        for (int i = 0; i <= sorted.Length; i++)
        {
            double t = i == 0 ? sorted[0] - 1e-6 : i == sorted.Length ? sorted[^1] + 1e-6 : (sorted[i - 1] + sorted[i]) / 2;
            double acc = ElmoDownstream.Accuracy(cos, gold, 0, fit, t);
            if (acc > best)
                (best, threshold) = (acc, t);
        }
        Console.WriteLine();
        Console.WriteLine($"WiC train split: {data.Length} pairs ({2 * data.Length} sentences embedded in {seconds:F1} s, managed inference); " +
            $"threshold fitted on the first {fit}, accuracy on the other {data.Length - fit}.");
        Console.WriteLine("| encoder | threshold | accuracy (fit rows) | accuracy (held-out rows) |");
        Console.WriteLine("|---|---:|---:|---:|");
        Console.WriteLine($"| context2vec (trained here, context vector of the target slot) | {threshold:F4} | {best:F4} | {ElmoDownstream.Accuracy(cos, gold, fit, data.Length, threshold):F4} |");
    }

    /// <summary>The managed forward against the TorchSharp module on WiC's sentences: max |Δ| and time of each
    /// (interleaved, 3 rounds, medians).</summary>
    private static void CompareTorch(Context2VecEncoder c2v, int threads)
    {
        var texts = File.ReadAllLines(Datasets.File("wic", "train", "train.data.txt")).SelectMany(l => l.Split('\t')[3..5]).ToArray();
        var options = new ContextualTokenEmbeddingOptions { Encoder = c2v, IntraOpThreads = threads, BatchSize = 64 };
        using var managed = (ITokenEncoder)c2v.Open(options);
        using var torch = new TorchTokenSession(c2v, options);
        var encoded = texts.Select(t => managed.Encode(t)).ToArray();
        float[][] Run(ITokenEncoder session, out double seconds)
        {
            var result = new float[encoded.Length][];
            var clock = Stopwatch.StartNew();
            for (int start = 0; start < encoded.Length; start += 64)
            {
                var batch = encoded[start..Math.Min(encoded.Length, start + 64)];
                session.Run(batch, [0], (i, s) => result[start + i] = s.Layer(0).ToArray());
            }
            seconds = clock.Elapsed.TotalSeconds;
            return result;
        }
        var managedTimes = new List<double>();
        var torchTimes = new List<double>();
        double worst = 0;
        for (int round = 0; round < 3; round++)
        {
            var a = Run(managed, out double ms);
            var b = Run(torch, out double ts);
            managedTimes.Add(ms);
            torchTimes.Add(ts);
            for (int i = 0; i < a.Length; i++)
                for (int k = 0; k < a[i].Length; k++)
                    worst = Math.Max(worst, Math.Abs(a[i][k] - b[i][k]));
        }
        double m = managedTimes.Order().ElementAt(1), t = torchTimes.Order().ElementAt(1);
        Console.WriteLine();
        Console.WriteLine($"managed vs TorchSharp forward on {texts.Length} WiC sentences ({threads} threads, batches of 64, median of 3 interleaved rounds): " +
            $"max |Δ| {worst:E2}; managed {m:F2} s, TorchSharp {t:F2} s ({t / m:F2}× the managed time)");
    }

    private sealed class Reporter(Action<Context2VecTrainingProgress> report) : IProgress<Context2VecTrainingProgress>
    {
        public void Report(Context2VecTrainingProgress value) => report(value);
    }
}

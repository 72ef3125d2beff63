using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual.Bench.Elmo;

/// <summary>
/// Downstream runners for a pre-trained ELMo (a folder with options.json + lm_weights.hdf5, e.g. from elmo-pretrain):
/// <list type="bullet">
/// <item><c>elmo-sst2 --model DIR [--train 10000] [--test 2000] [--threads 1] [--mix-epochs 2]</c>: the split of finetune-sst2
/// (seed 1); one stock trainer (L-BFGS logistic regression on mean-variance-normalised features) over GloVe 6B-50d means,
/// ELMo (all layers averaged, mean over words), and both concatenated; then the frozen ELMo with a learned scalar mix as
/// the encoder of the ContextualTextClassification trainer.</item>
/// <item><c>elmo-wic --model DIR [--fit 4428]</c>: WiC train split; cosine of the target word's vectors in its two
/// sentences; the threshold is the best on the first --fit rows, accuracy reported on the rest; ELMo vs MiniLM.</item>
/// </list>
/// </summary>
internal static class ElmoDownstream
{
    private static string Arg(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private static ElmoEncoder Load(string[] args, bool whitespaceOnly)
    {
        string dir = Arg(args, "--model", "/work/notes/elmo-pretrained");
        return ElmoEncoder.FromFiles(Path.Combine(dir, "options.json"), Path.Combine(dir, "lm_weights.hdf5"), whitespaceOnly);
    }

    public sealed class Sst2Row
    {
        public string Text { get; set; }
        public bool Label { get; set; }
    }

    public static int Sst2(string[] args)
    {
        int trainRows = int.Parse(Arg(args, "--train", "10000")), testRows = int.Parse(Arg(args, "--test", "2000"));
        int threads = int.Parse(Arg(args, "--threads", "1")), mixEpochs = int.Parse(Arg(args, "--mix-epochs", "2"));
        var all = File.ReadLines(Datasets.File("sst2", "train.tsv")).Skip(1).Select(l => l.Split('\t')).Where(p => p.Length == 2)
            .Select(p => new Sst2Row { Text = p[0].Trim(), Label = p[1].Trim() == "1" }).ToArray();
        new Random(1).Shuffle(all);
        var test = all.Take(testRows).ToList();
        var held = test.Select(r => r.Text).ToHashSet(StringComparer.Ordinal);
        var train = all.Skip(testRows).Where(r => !held.Contains(r.Text)).Take(trainRows).ToList();
        Console.WriteLine($"SST-2: {train.Count} training rows, {test.Count} held-back rows (seed 1).");

        var ml = new MLContext(seed: 1);
        var elmo = Load(args, whitespaceOnly: true);      // SST-2 text is tokenized already
        var glove = MLNetContextual.StaticEmbeddings.Load(Datasets.File("glove-6B-50d-10k", "glove.6B.50d.10k.txt"));
        var features = ml.Transforms.Text.NormalizeText("Lower", "Text", Microsoft.ML.Transforms.Text.TextNormalizingEstimator.CaseMode.Lower)
            .Append(ml.Transforms.Text.TokenizeIntoWords("Words", "Lower"))
            .Append(ml.Transforms.Text.ApplyStaticWordEmbedding("Glove", "Words", glove))
            .Append(ml.Transforms.Text.ApplyContextualEmbedding("Elmo", "Text", new ContextualEmbeddingOptions
            {
                Encoder = elmo, Layers = LayerSelection.All(), IntraOpThreads = threads, BatchSize = 64,
            }))
            .Append(ml.Transforms.Concatenate("Both", "Glove", "Elmo"));
        var clock = Stopwatch.StartNew();
        var featurizer = features.Fit(ml.Data.LoadFromEnumerable(train));
        var trainF = ml.Data.Cache(featurizer.Transform(ml.Data.LoadFromEnumerable(train)));
        var testF = ml.Data.Cache(featurizer.Transform(ml.Data.LoadFromEnumerable(test)));
        Console.WriteLine("| features | dimension | accuracy | AUC |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (column, dim) in new[] { ("Glove", 50), ("Elmo", elmo.Dimension), ("Both", 50 + elmo.Dimension) })
        {
            var trainer = ml.Transforms.NormalizeMeanVariance("F", column)
                .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression("Label", "F"));
            var model = trainer.Fit(trainF);
            var m = ml.BinaryClassification.Evaluate(model.Transform(testF), "Label");
            Console.WriteLine($"| {column} (L-BFGS logistic regression) | {dim} | {m.Accuracy:F4} | {m.AreaUnderRocCurve:F4} |");
        }

        if (mixEpochs > 0)
        {
            clock.Restart();
            var options = new ContextualTextClassificationOptions
            {
                Encoder = elmo, FreezeEncoder = true, LearnScalarMix = true, Sentence1ColumnName = "Text", MaxEpochs = mixEpochs,
                BatchSize = 32, LearningRate = 1e-3, MaxTokens = 64, NumberOfThreads = threads, HeadDropout = 0.1,
            };
            using var classifier = ml.BinaryClassification.Trainers.ContextualTextClassification(options).Fit(ml.Data.LoadFromEnumerable(train));
            var m = ml.BinaryClassification.Evaluate(classifier.Transform(ml.Data.LoadFromEnumerable(test)));
            Console.WriteLine($"| ELMo frozen + learned scalar mix (ContextualTextClassification, {mixEpochs} epochs, {clock.Elapsed.TotalSeconds:F0} s) | {elmo.Dimension} | {m.Accuracy:F4} | {m.AreaUnderRocCurve:F4} |");
            Console.WriteLine($"learned mix: {classifier.LayerMix}");
        }
        return 0;
    }

    public sealed class SpanRow
    {
        public string Text { get; set; }
        public int Start { get; set; }
        public int Length { get; set; }
    }

    public sealed class VectorRow
    {
        public float[] Vector { get; set; }
    }

    public static int Wic(string[] args)
    {
        int fit = int.Parse(Arg(args, "--fit", "4428"));
        int threads = int.Parse(Arg(args, "--threads", "1"));
        var data = File.ReadAllLines(Datasets.File("wic", "train", "train.data.txt"));
        var gold = File.ReadAllLines(Datasets.File("wic", "train", "train.gold.txt")).Select(g => g.Trim() == "T").ToArray();
        var first = new List<SpanRow>();
        var second = new List<SpanRow>();
        foreach (var line in data)
        {
            var p = line.Split('\t');
            var idx = p[2].Split('-').Select(int.Parse).ToArray();
            first.Add(Span(p[3], idx[0]));
            second.Add(Span(p[4], idx[1]));
        }
        var encoders = new (string Name, ContextualEncoder Encoder, LayerSelection Layers)[]
        {
            ("ELMo (pre-trained here, all layers averaged)", Load(args, whitespaceOnly: true), LayerSelection.All()),
            ("ELMo (pre-trained here, top layer)", Load(args, whitespaceOnly: true), LayerSelection.Last),
            ("all-MiniLM-L6-v2 (last layer)", ContextualEncoder.MiniLM, LayerSelection.Last),
        };
        Console.WriteLine($"WiC train split: {data.Length} pairs; threshold fitted on the first {fit}, accuracy on the other {data.Length - fit}.");
        Console.WriteLine("| encoder | threshold | accuracy (fit rows) | accuracy (held-out rows) |");
        Console.WriteLine("|---|---:|---:|---:|");
        var ml = new MLContext(seed: 1);
        foreach (var (name, encoder, layers) in encoders)
        {
            var estimator = ml.Transforms.Text.ApplyContextualWordEmbedding("Vector", "Text", options: new ContextualWordEmbeddingOptions
            {
                Encoder = encoder, Layers = layers, IntraOpThreads = threads, BatchSize = 64,
            });
            var a = Vectors(ml, estimator, first);
            var b = Vectors(ml, estimator, second);
            var cos = a.Zip(b, Cosine).ToArray();
            // The best threshold on the fit rows (midpoints between sorted scores).
            var sorted = cos.Take(fit).Order().ToArray();
            double best = 0, threshold = 0;
            for (int i = 0; i <= sorted.Length; i++)
            {
                double t = i == 0 ? sorted[0] - 1e-6 : i == sorted.Length ? sorted[^1] + 1e-6 : (sorted[i - 1] + sorted[i]) / 2;
                double acc = Accuracy(cos, gold, 0, fit, t);
                if (acc > best)
                    (best, threshold) = (acc, t);
            }
            Console.WriteLine($"| {name} | {threshold:F4} | {best:F4} | {Accuracy(cos, gold, fit, data.Length, threshold):F4} |");
        }
        return 0;
    }

    internal static SpanRow Span(string sentence, int index)
    {
        var tokens = sentence.Split(' ');
        int start = tokens.Take(index).Sum(t => t.Length + 1);
        return new SpanRow { Text = sentence, Start = start, Length = tokens[index].Length };
    }

    internal static List<float[]> Vectors(MLContext ml, ContextualWordEmbeddingEstimator estimator, List<SpanRow> rows)
    {
        var data = ml.Data.LoadFromEnumerable(rows);
        using var model = estimator.Fit(data);
        return ml.Data.CreateEnumerable<VectorRow>(model.Transform(data), false).Select(r => r.Vector).ToList();
    }

    internal static double Accuracy(double[] cos, bool[] gold, int from, int to, double threshold)
    {
        int right = 0;
        for (int i = from; i < to; i++)
            if ((cos[i] >= threshold) == gold[i])
                right++;
        return (double)right / (to - from);
    }

    internal static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.Sqrt(na * nb + 1e-12);
    }
}

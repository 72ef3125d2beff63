using System.Diagnostics;
using Microsoft.ML;

namespace MLNetContextual.Bench.Cove;

/// <summary>
/// <c>cove-train [--pairs 29000] [--val 1014] [--epochs 2] [--hidden 128] [--layers 2] [--target-vocab 6000] [--target-embedding 128]
/// [--batch 64] [--max-length 50] [--optimizer sgd|adam] [--lr 1] [--dropout 0.2] [--max-batches N] [--threads 1]
/// [--sst2-train 5000] [--sst2-test 2000] [--out DIR]</c>: trains CoVe's English→German translation model on multi30k
/// train over the frozen GloVe 6B-50d (10k words) vectors, reporting the validation perplexity (multi30k val) per epoch;
/// then SST-2 (the split of elmo-sst2: seed 1, the first --sst2-test shuffled rows held back) with one stock trainer
/// (L-BFGS logistic regression on mean-variance-normalised features) over the mean over words of GloVe alone (layer 0),
/// CoVe alone, and [GloVe; CoVe] — the same tokens and lookups, so the difference is the encoder's contribution.
/// With --out the encoder is written as a PyTorch state dict (wmtlstm-multi30k.pth). Sizing: the defaults (H 128, German
/// vocabulary 6,000, batch 64, one thread) took about 1.2 s of CPU per batch on the project's loaded 2-core machine
/// (8 batches, 2026-12-01, load average 6–15: noisy), so 2 epochs of 453 batches are about 20 minutes when quiet.
/// </summary>
internal static class CoveBench
{
    private static string Arg(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    public sealed class PairRow
    {
        public string English { get; set; }
        public string German { get; set; }
    }

    public sealed class Sst2Row
    {
        public string Text { get; set; }
        public bool Label { get; set; }
    }

    private static List<PairRow> Pairs(string split, int count) =>
        File.ReadLines(Datasets.File("multi30k", split + ".en")).Zip(File.ReadLines(Datasets.File("multi30k", split + ".de")))
            .Take(count).Select(p => new PairRow { English = p.First, German = p.Second }).ToList();

    public static int Train(string[] args)
    {
        int threads = int.Parse(Arg(args, "--threads", "1"));
        var ml = new MLContext(seed: 1);
        var glove = MLNetContextual.StaticEmbeddings.Load(Datasets.File("glove-6B-50d-10k", "glove.6B.50d.10k.txt"));
        var train = Pairs("train", int.Parse(Arg(args, "--pairs", "29000")));
        var val = Pairs("val", int.Parse(Arg(args, "--val", "1014")));
        string maxBatches = Arg(args, "--max-batches", null);
        var options = new LearnCoveOptions
        {
            Glove = glove, InputColumnName = "English", TargetColumnName = "German",
            HiddenSize = int.Parse(Arg(args, "--hidden", "128")), Layers = int.Parse(Arg(args, "--layers", "2")),
            TargetVocabularySize = int.Parse(Arg(args, "--target-vocab", "6000")),
            TargetEmbeddingSize = int.Parse(Arg(args, "--target-embedding", "128")),
            Epochs = int.Parse(Arg(args, "--epochs", "2")), BatchSize = int.Parse(Arg(args, "--batch", "64")),
            MaxLength = int.Parse(Arg(args, "--max-length", "50")),
            Optimizer = Arg(args, "--optimizer", "sgd") == "adam" ? CoveOptimizer.Adam : CoveOptimizer.Sgd,
            LearningRate = double.Parse(Arg(args, "--lr", "1"), System.Globalization.CultureInfo.InvariantCulture),
            Dropout = double.Parse(Arg(args, "--dropout", "0.2"), System.Globalization.CultureInfo.InvariantCulture),
            MaxBatchesPerEpoch = maxBatches == null ? null : int.Parse(maxBatches),
            NumberOfThreads = threads, ValidationSet = ml.Data.LoadFromEnumerable(val), ProgressInterval = 50,
        };
        var clock = Stopwatch.StartNew();
        options.Progress = new Progress(clock);
        Console.WriteLine($"multi30k: {train.Count} train pairs, {val.Count} val pairs; GloVe {glove.Count} × {glove.Dimension}; " +
            $"H {options.HiddenSize} × {options.Layers} layers, German vocabulary {options.TargetVocabularySize}, {options.Optimizer} lr {options.LearningRate}, batch {options.BatchSize}, {threads} thread(s).");
        var estimator = ml.Transforms.Text.LearnCove(options);
        using var fitted = estimator.Fit(ml.Data.LoadFromEnumerable(train));
        var cove = (CoveEncoder)fitted.Encoder;
        Console.WriteLine($"trained in {clock.Elapsed.TotalSeconds:F0} s.");
        Console.WriteLine("| epoch | train loss (nats/token) | val perplexity | lr |");
        Console.WriteLine("|---:|---:|---:|---:|");
        foreach (var e in estimator.LastTrainingEpochs)
            Console.WriteLine($"| {e.Epoch} | {e.Loss:F3} | {e.ValidationPerplexity:F2} | {e.LearningRate:G3} |");
        string output = Arg(args, "--out", null);
        if (output != null)
        {
            Directory.CreateDirectory(output);
            cove.SavePyTorch(Path.Combine(output, "wmtlstm-multi30k.pth"));
            Console.WriteLine($"encoder written to {Path.Combine(output, "wmtlstm-multi30k.pth")}");
        }
        return Sst2(ml, cove, int.Parse(Arg(args, "--sst2-train", "5000")), int.Parse(Arg(args, "--sst2-test", "2000")), threads);
    }

    private static int Sst2(MLContext ml, CoveEncoder cove, int trainRows, int testRows, int threads)
    {
        var all = File.ReadLines(Datasets.File("sst2", "train.tsv")).Skip(1).Select(l => l.Split('\t')).Where(p => p.Length == 2)
            .Select(p => new Sst2Row { Text = p[0].Trim(), Label = p[1].Trim() == "1" }).ToArray();
        new Random(1).Shuffle(all);
        var test = all.Take(testRows).ToList();
        var held = test.Select(r => r.Text).ToHashSet(StringComparer.Ordinal);
        var train = all.Skip(testRows).Where(r => !held.Contains(r.Text)).Take(trainRows).ToList();
        Console.WriteLine($"SST-2: {train.Count} training rows, {test.Count} held-back rows (seed 1, the split of elmo-sst2).");
        ContextualEmbeddingOptions Mean(CoveEncoder encoder, LayerSelection layers) => new()
        {
            Encoder = encoder, Layers = layers, IntraOpThreads = threads, BatchSize = 64,
        };
        var features = ml.Transforms.Text.ApplyContextualEmbedding("Glove", "Text", Mean(cove, LayerSelection.Of([0])))
            .Append(ml.Transforms.Text.ApplyContextualEmbedding("Cove", "Text", Mean(cove.WithGlove(false), LayerSelection.Last)))
            .Append(ml.Transforms.Text.ApplyContextualEmbedding("GloveCove", "Text", Mean(cove, LayerSelection.Last)));
        var clock = Stopwatch.StartNew();
        var featurizer = features.Fit(ml.Data.LoadFromEnumerable(train));
        var trainF = ml.Data.Cache(featurizer.Transform(ml.Data.LoadFromEnumerable(train)));
        var testF = ml.Data.Cache(featurizer.Transform(ml.Data.LoadFromEnumerable(test)));
        Console.WriteLine("| features (mean over words) | dimension | accuracy | AUC |");
        Console.WriteLine("|---|---:|---:|---:|");
        int d = cove.Glove.Dimension, h2 = 2 * cove.HiddenSize;
        foreach (var (column, name, dim) in new[]
                 {
                     ("Glove", "GloVe alone (layer 0; its CoVe half is zeros)", d), ("Cove", "CoVe alone", h2), ("GloveCove", "[GloVe; CoVe]", d + h2),
                 })
        {
            var trainer = ml.Transforms.NormalizeMeanVariance("F", column)
                .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression("Label", "F"));
            var model = trainer.Fit(trainF);
            var m = ml.BinaryClassification.Evaluate(model.Transform(testF), "Label");
            Console.WriteLine($"| {name} (L-BFGS logistic regression) | {dim} | {m.Accuracy:F4} | {m.AreaUnderRocCurve:F4} |");
        }
        Console.WriteLine($"features and classifiers: {clock.Elapsed.TotalSeconds:F0} s.");
        return 0;
    }

    private sealed class Progress(Stopwatch clock) : IProgress<CoveTrainingProgress>
    {
        public void Report(CoveTrainingProgress p) => Console.WriteLine(
            $"[{clock.Elapsed.TotalSeconds,6:F0} s] epoch {p.Epoch} batch {p.Batch}: loss {p.Loss:F3}" +
            (p.ValidationPerplexity is double v ? $", val perplexity {v:F2}" : "") + $", lr {p.LearningRate:G3}");
    }
}

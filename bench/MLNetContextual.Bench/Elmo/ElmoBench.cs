using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;
using PureHDF;

namespace MLNetContextual.Bench.Elmo;

/// <summary>ELMo runners: fixture parity, pre-training on the shared corpus (tokens/s, validation perplexity + PNG).</summary>
internal static class ElmoBench
{
    private static string Arg(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    /// <summary>elmo-parity: max |ours − bilm-tf| per fixture sentence, stateful and stateless.</summary>
    public static int Parity(string[] args)
    {
        string fixture = Arg(args, "--fixture", Datasets.File("elmo-bilm-tf-fixture", "model"));
        var encoder = ElmoEncoder.FromFiles(Path.Combine(fixture, "options.json"), Path.Combine(fixture, "lm_weights.hdf5"), whitespaceOnly: true);
        var sentences = JsonSerializer.Deserialize<string[][]>(File.ReadAllText(Path.Combine(fixture, "lm_embeddings_sentences.json")));
        var expected = new float[3][][];
        for (int k = 0; k < 3; k++)
        {
            using var file = H5File.OpenRead(Path.Combine(fixture, $"lm_embeddings_{k}.hdf5"));
            expected[k] = Enumerable.Range(0, 10).Select(i => file.Dataset(i.ToString()).Read<float[]>()).ToArray();
        }
        foreach (bool stateful in new[] { true, false })
        {
            using var runner = encoder.CreateRunner(stateful, int.Parse(Arg(args, "--threads", "1")));
            int d = runner.Dimension, half = d / 2, top = runner.LayerCount - 1;
            var max = new double[3, 10];
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < 10; i++)
            {
                var batch = Enumerable.Range(0, 3).Select(k => (IReadOnlyList<string>)sentences[k][i].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
                var output = runner.Run(batch);
                for (int k = 0; k < 3; k++)
                {
                    int n = batch[k].Count;
                    for (int t = 0; t < n; t++)
                        for (int j = 0; j < d; j++)
                        {
                            float ours = output[k][(top * n + t) * d + j];
                            float theirs = j < half ? expected[k][i][t * half + j] : expected[k][i][(n + t) * half + j - half];
                            max[k, i] = Math.Max(max[k, i], Math.Abs(ours - theirs));
                        }
                }
            }
            Console.WriteLine($"## {(stateful ? "stateful (states carried between batches, as bilm-tf)" : "stateless (zero states every batch)")} — {clock.Elapsed.TotalMilliseconds:F0} ms for 10 batches");
            Console.WriteLine("| batch i | list 0 | list 1 | list 2 |");
            Console.WriteLine("|---:|---:|---:|---:|");
            double all = 0;
            for (int i = 0; i < 10; i++)
            {
                Console.WriteLine($"| {i} | {max[0, i]:E2} | {max[1, i]:E2} | {max[2, i]:E2} |");
                all = Math.Max(all, Math.Max(max[0, i], Math.Max(max[1, i], max[2, i])));
            }
            Console.WriteLine($"largest over all 30 sentences: {all:E2}");
            Console.WriteLine();
        }
        return 0;
    }

    /// <summary>elmo-pretrain [--batches N] [--epochs E] [--threads T] [--out folder] [--lstm H] [--proj P] [--sampled K] [--vocab V] [--rows R]</summary>
    public static int Pretrain(string[] args)
    {
        int? batches = Arg(args, "--batches", null) is string b ? int.Parse(b) : null;
        int epochs = int.Parse(Arg(args, "--epochs", "1"));
        int threads = int.Parse(Arg(args, "--threads", "2"));
        int rows = int.Parse(Arg(args, "--rows", "0"));
        string output = Arg(args, "--out", Path.Combine(Path.GetTempPath(), "elmo-pretrained"));
        var config = new ElmoConfig
        {
            LstmDim = int.Parse(Arg(args, "--lstm", "256")),
            ProjectionDim = int.Parse(Arg(args, "--proj", "64")),
        };
        var (train, validation) = ElmoCorpus.Split();
        if (rows > 0 && rows < train.Count)   // evenly spaced rows, so Gutenberg, Brown and Reuters are all in the sample
            train = Enumerable.Range(0, rows).Select(i => train[(int)((long)i * train.Count / rows)]).ToList();
        var ml = new MLContext(seed: 1);
        var reports = new List<ElmoTrainingProgress>();
        var clock = Stopwatch.StartNew();
        var options = new LearnElmoOptions
        {
            Model = config, Epochs = epochs, MaxBatchesPerEpoch = batches, NumberOfThreads = threads,
            SampledSoftmaxSize = int.Parse(Arg(args, "--sampled", "1024")), VocabularySize = int.Parse(Arg(args, "--vocab", "20000")),
            ValidationSet = ml.Data.LoadFromEnumerable(validation), ProgressInterval = 50,
            Progress = new Reporter(p =>
            {
                reports.Add(p);
                Console.WriteLine($"[{clock.Elapsed:hh\\:mm\\:ss}] epoch {p.Epoch} batch {p.Batch}/{p.Batches} train ppl {p.TrainPerplexity:F1} " +
                    $"tokens/s {p.TokensPerSecond:F0}" + (p.ValidationPerplexity is double v ? $" VALIDATION ppl {v:F2}" : ""));
            }),
        };
        Console.WriteLine($"train rows {train.Count}, validation rows {validation.Count}; model {config.ToJson().Replace("\n", " ").Replace("  ", "")}");
        var estimator = ml.Transforms.Text.LearnElmo(options);
        using var model = estimator.Fit(ml.Data.LoadFromEnumerable(train));
        var encoder = (ElmoEncoder)model.Encoder;
        encoder.SavePublished(output);
        ml.Model.Save(model, null, Path.Combine(output, "elmo-embedding.zip"));
        Console.WriteLine($"saved {output} (options.json, lm_weights.hdf5, elmo-embedding.zip) after {clock.Elapsed}");
        foreach (var e in estimator.LastTrainingEpochs)
            Console.WriteLine($"EPOCH {e.Epoch}: tokens/s {e.TokensPerSecond:F0}, train ppl {e.TrainPerplexity:F2}, validation ppl {e.ValidationPerplexity:F2}");
        Plot(reports, Path.Combine(output, "elmo-perplexity.png"));
        return 0;
    }

    private static void Plot(List<ElmoTrainingProgress> reports, string path)
    {
        var plot = new ScottPlot.Plot();
        int perEpoch = reports.Count == 0 ? 1 : reports.Max(r => r.Batches);
        var train = reports.Where(r => !r.EpochDone || r.Batch > 0).ToArray();
        var x = train.Select(r => (r.Epoch - 1) + (double)r.Batch / perEpoch).ToArray();
        var t = plot.Add.Scatter(x, train.Select(r => r.TrainPerplexity).ToArray());
        t.LegendText = "train (sampled softmax, per 50 batches)";
        var valid = reports.Where(r => r.ValidationPerplexity != null).ToArray();
        if (valid.Length > 0)
        {
            var v = plot.Add.Scatter(valid.Select(r => (double)r.Epoch).ToArray(), valid.Select(r => r.ValidationPerplexity.Value).ToArray());
            v.LegendText = "validation (full softmax, per epoch)";
            v.MarkerSize = 10;
        }
        plot.XLabel("epoch");
        plot.YLabel("perplexity");
        plot.Title("ELMo pre-training on english-corpus");
        plot.Axes.SetLimitsY(0, Math.Max(valid.Select(r => r.ValidationPerplexity.Value).DefaultIfEmpty(100).Max() * 3, 100));
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        plot.SavePng(path, 800, 500);
        Console.WriteLine($"plot: {path}");
    }

    private sealed class Reporter(Action<ElmoTrainingProgress> report) : IProgress<ElmoTrainingProgress>
    {
        public void Report(ElmoTrainingProgress value) => report(value);
    }
}

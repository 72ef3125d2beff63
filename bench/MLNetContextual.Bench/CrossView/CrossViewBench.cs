using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML;
using MLNetContextual.Bench.Elmo;

namespace MLNetContextual.Bench.CrossView;

/// <summary>
/// <c>cvt-train [--task conll|pos] [--labelled 1000] [--unlabelled 20000] [--unlabelled-source train|corpus]
/// [--supervised-only] [--cvt-start-epoch 1] [--epochs 10] [--dev N] [--glove PATH|none] [--sizes cpu|published] [--batch 64] [--lr 0.5]
/// [--warmup 100] [--threads 2] [--seed 1] [--save PATH]</c>: trains a Cross-View Training tagger on a seeded random
/// subset of --labelled sentences of the train split (CoNLL-2003 NER, IOB2: <c>conll2003/train.txt</c>; Brown POS:
/// <c>brown-pos/train.tsv</c>), with --unlabelled sentences for the consistency loss taken from the rest of the train
/// split (labels ignored) or from the shared English corpus (Gutenberg and Reuters-21578; Brown left out, it holds the
/// brown-pos dev and test sentences); prints the losses and the dev score after every epoch (entity-level F1 as
/// conlleval for NER, token accuracy for POS) and the final dev score of the managed tagger (what a loaded zip runs).
/// </summary>
internal static class CrossViewBench
{
    private static string Arg(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    public sealed class Row
    {
        public string Text { get; set; }
        public string Tags { get; set; }
    }

    public sealed class TextRow
    {
        public string Text { get; set; }
    }

    private static readonly Regex SentenceEnd = new(@"(?<=[.!?])\s+", RegexOptions.Compiled);

    public static int Train(string[] args)
    {
        string task = Arg(args, "--task", "conll");
        int labelledCount = int.Parse(Arg(args, "--labelled", "1000"), CultureInfo.InvariantCulture);
        int unlabelledCount = int.Parse(Arg(args, "--unlabelled", "20000"), CultureInfo.InvariantCulture);
        string source = Arg(args, "--unlabelled-source", "train");
        bool supervisedOnly = args.Contains("--supervised-only");
        int epochs = int.Parse(Arg(args, "--epochs", "10"), CultureInfo.InvariantCulture);
        string devArg = Arg(args, "--dev", null), glove = Arg(args, "--glove", "none"), save = Arg(args, "--save", null);
        string sizes = Arg(args, "--sizes", "cpu");
        int batch = int.Parse(Arg(args, "--batch", "64"), CultureInfo.InvariantCulture);
        int warmup = int.Parse(Arg(args, "--warmup", "100"), CultureInfo.InvariantCulture);
        int threads = int.Parse(Arg(args, "--threads", "2"), CultureInfo.InvariantCulture);
        int seed = int.Parse(Arg(args, "--seed", "1"), CultureInfo.InvariantCulture);
        int start = int.Parse(Arg(args, "--cvt-start-epoch", "1"), CultureInfo.InvariantCulture);
        double lr = double.Parse(Arg(args, "--lr", "0.5"), CultureInfo.InvariantCulture);

        var (train, dev) = task switch
        {
            "conll" => (ReadConll(Datasets.File("conll2003", "train.txt")), ReadConll(Datasets.File("conll2003", "valid.txt"))),
            "pos" => (ReadTsv(Datasets.File("brown-pos", "train.tsv")), ReadTsv(Datasets.File("brown-pos", "dev.tsv"))),
            _ => throw new ArgumentException($"--task is '{task}'; expected conll or pos."),
        };
        if (devArg != null)
            dev = dev.Take(int.Parse(devArg, CultureInfo.InvariantCulture)).ToList();
        var order = Enumerable.Range(0, train.Count).ToArray();
        new Random(seed).Shuffle(order);
        var labelled = order.Take(labelledCount).Select(i => train[i]).ToList();
        List<TextRow> unlabelled = source switch
        {
            "train" => order.Skip(labelledCount).Take(unlabelledCount).Select(i => new TextRow { Text = train[i].Text }).ToList(),
            "corpus" => Corpus(unlabelledCount, seed),
            _ => throw new ArgumentException($"--unlabelled-source is '{source}'; expected train or corpus."),
        };
        Console.WriteLine($"task {task}: {labelled.Count} labelled sentences of {train.Count} ({labelled.Sum(r => r.Tags.Split(' ').Length)} tokens), " +
            $"{(supervisedOnly ? "supervised only" : $"{unlabelled.Count} unlabelled from {source} (consistency loss from epoch {start})")}, dev {dev.Count} sentences");

        var ml = new MLContext(seed: 1);
        var model = sizes == "published" ? CrossViewConfig.Published : new CrossViewConfig();
        MLNetContextual.StaticEmbeddings vectors = null;
        if (glove != "none")
        {
            vectors = MLNetContextual.StaticEmbeddings.Load(glove);
            model.WordEmbeddingDim = vectors.Dimension;
            Console.WriteLine($"word vectors: {glove} ({vectors.Count} × {vectors.Dimension})");
        }
        var clock = Stopwatch.StartNew();
        var options = new LearnCrossViewTaggerOptions
        {
            Model = model, PretrainedEmbeddings = vectors, Epochs = epochs, BatchSize = batch, LearningRate = lr, WarmupSteps = warmup,
            NumberOfThreads = threads, Seed = seed, SupervisedOnly = supervisedOnly, ConsistencyStartEpoch = start,
            UnlabelledSet = supervisedOnly ? null : ml.Data.LoadFromEnumerable(unlabelled),
            ValidationSet = ml.Data.LoadFromEnumerable(dev), ProgressInterval = 25,
            Progress = new Reporter(p => Console.WriteLine(p.EpochDone
                ? $"epoch {p.Epoch}: step {p.Step}, supervised loss {p.SupervisedLoss:F4}" + (p.ConsistencyLoss is double c ? $", consistency loss {c:F4}" : "") +
                  $", dev accuracy {p.ValidationAccuracy:F4}" + (p.ValidationF1 is double f ? $", dev F1 {100 * f:F2}" : "") +
                  $", {p.SentencesPerSecond:F0} sentences/s, {clock.Elapsed.TotalSeconds:F0} s"
                : $"  epoch {p.Epoch} batch {p.Batch}/{p.Batches} (step {p.Step}): supervised {p.SupervisedLoss:F4}" +
                  (p.ConsistencyLoss is double c2 ? $", consistency {c2:F4}" : "") + $", {p.SentencesPerSecond:F0} sentences/s")),
        };
        var c = model;
        Console.WriteLine($"sizes {c.WordEmbeddingDim} word / {c.CharEmbeddingDim} char × [{string.Join(",", c.CharFilterWidths)}] × {c.CharFilters} / " +
            $"biLSTM {c.FirstLayerDim} + {c.SecondLayerDim} / prediction {c.PredictionHiddenDim}; {epochs} epochs, batch {batch}, SGD lr {lr} momentum {options.Momentum}, " +
            $"warm-up {warmup}, clip {options.MaxGradientNorm}, {threads} threads, seed {seed}");
        var estimator = ml.Transforms.Text.LearnCrossViewTagger(options);
        var tagger = estimator.Fit(ml.Data.LoadFromEnumerable(labelled));
        Console.WriteLine($"trained in {clock.Elapsed.TotalSeconds:F0} s; kept epoch {estimator.LastKeptEpoch}; vocabulary {tagger.Encoder.Vocabulary.Count} words, {tagger.Tags.Count} tags.");

        var tagClock = Stopwatch.StartNew();
        var predicted = dev.Select(r => (IReadOnlyList<string>)tagger.Encoder.Tag(r.Text.Split(' '))).ToArray();
        var gold = dev.Select(r => (IReadOnlyList<string>)r.Tags.Split(' ')).ToArray();
        double seconds = tagClock.Elapsed.TotalSeconds;
        var (p, r, f1) = TaggingMetrics.EntityF1(gold, predicted);
        Console.WriteLine($"dev (managed tagger, {dev.Count / seconds:F0} sentences/s): accuracy {100 * TaggingMetrics.Accuracy(gold, predicted):F2}" +
            (task == "conll" ? $", entity precision {100 * p:F2}, recall {100 * r:F2}, F1 {100 * f1:F2}" : ""));
        if (save != null)
        {
            ml.Model.Save(tagger, ml.Data.LoadFromEnumerable(labelled).Schema, save);
            Console.WriteLine($"saved {save} ({new FileInfo(save).Length / 1024} KiB)");
        }
        return 0;
    }

    /// <summary>CoNLL-2003: "word POS chunk NER" per line, sentences separated by blank lines, -DOCSTART- skipped.</summary>
    internal static List<Row> ReadConll(string path) => ReadColumns(path, ' ', 3, line => line.StartsWith("-DOCSTART-", StringComparison.Ordinal));

    /// <summary>brown-pos: "word TAB tag" per line, a blank line after each sentence.</summary>
    internal static List<Row> ReadTsv(string path) => ReadColumns(path, '\t', 1, _ => false);

    private static List<Row> ReadColumns(string path, char separator, int tagField, Func<string, bool> skip)
    {
        var rows = new List<Row>();
        var words = new List<string>();
        var tags = new List<string>();
        void Flush()
        {
            if (words.Count > 0)
                rows.Add(new Row { Text = string.Join(' ', words), Tags = string.Join(' ', tags) });
            words.Clear();
            tags.Clear();
        }
        int number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                Flush();
                continue;
            }
            if (skip(line))
                continue;
            var fields = line.Split(separator);
            if (fields.Length <= tagField || fields[0].Length == 0 || fields[0].Contains(' '))
                throw new InvalidDataException($"{path}, line {number}: expected at least {tagField + 1} fields separated by '{separator}', found '{line}'.");
            words.Add(fields[0]);
            tags.Add(fields[tagField]);
        }
        Flush();
        return rows;
    }

    /// <summary>Sentences of the shared English corpus without Brown (Gutenberg paragraphs and Reuters documents split at
    /// . ! ?, tokenized as ELMo's tokenizer does, 3–60 tokens), shuffled with the seed, the first <paramref name="count"/>.</summary>
    private static List<TextRow> Corpus(int count, int seed)
    {
        var split = new ElmoTokenizer();
        var all = ElmoCorpus.All(includeBrown: false).SelectMany(t => SentenceEnd.Split(t))
            .Select(s => string.Join(' ', split.Split(s).Select(t => t.Text)))
            .Where(s => s.Split(' ').Length is >= 3 and <= 60).ToArray();
        new Random(seed).Shuffle(all);
        return all.Take(count).Select(s => new TextRow { Text = s }).ToList();
    }

    private sealed class Reporter(Action<CrossViewTrainingProgress> report) : IProgress<CrossViewTrainingProgress>
    {
        public void Report(CrossViewTrainingProgress value) => report(value);
    }
}

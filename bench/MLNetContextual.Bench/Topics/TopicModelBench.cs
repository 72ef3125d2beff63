using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Text;

namespace MLNetContextual.Bench.Topics;

/// <summary>
/// <c>topics-20ng [--limit n] [--epochs 100] [--k 20,50] [--held-back 0.1] [--threads n] [--seed 1] [--cache path]</c>:
/// on 20 Newsgroups train (headers, footers and quotes stripped as scikit-learn's <c>remove=</c>), shuffled (seeded),
/// the first <c>--limit</c> posts, the last <c>--held-back</c> fraction of them held back: fits CombinedTM, ZeroShotTM
/// (MiniLM embeddings, cached in <c>--cache</c>) and ML.NET's LatentDirichletAllocation on the same vocabulary with
/// the same K; prints NPMI@10 (document co-occurrence over the training posts), topic diversity@25, inverted RBO@10
/// and fit times; then, for the first K, a classifier (L-BFGS maximum entropy) on each model's topic proportions of the
/// training posts vs. on the MiniLM vectors, with accuracy on the held-back posts, and ZeroShotTM's topics of a few
/// held-back posts.
/// </summary>
internal static class TopicModelBench
{
    public static int Run(string[] args)
    {
        int limit = Int(args, "--limit", int.MaxValue), epochs = Int(args, "--epochs", 100), seed = Int(args, "--seed", 1);
        int? threads = args.Contains("--threads") ? Int(args, "--threads", 1) : null;
        double heldFraction = double.Parse(Get(args, "--held-back") ?? "0.1", CultureInfo.InvariantCulture);
        var ks = (Get(args, "--k") ?? "20,50").Split(',').Select(int.Parse).ToArray();
        string cache = Get(args, "--cache") ?? Path.Combine(Path.GetTempPath(), $"mlnetctx-20ng-minilm-seed{seed}.f32");

        var posts = Newsgroups.ReadTrain().ToArray();
        new Random(seed).Shuffle(posts);
        posts = posts.Take(limit).ToArray();
        var embeddings = EmbeddingCache.Get(cache, posts.Select(p => p.Text).ToList(), Console.WriteLine);
        var rows = posts.Select((p, i) => new Row { Text = p.Text, Embedding = embeddings[i], Label = p.Group }).ToList();
        int held = (int)Math.Round(heldFraction * rows.Count);
        var train = rows.Take(rows.Count - held).ToList();
        var test = rows.Skip(rows.Count - held).ToList();
        Console.WriteLine($"20 Newsgroups train: {posts.Length} posts (seed {seed}), {train.Count} to fit, {test.Count} held back; {epochs} epochs; " +
                          $"{Environment.ProcessorCount} cores, load {LoadAverage()}.");

        var ml = new MLContext(seed: seed);
        var trainData = ml.Data.LoadFromEnumerable(train);
        var testData = ml.Data.LoadFromEnumerable(test);
        var reference = train.Select(r => (IEnumerable<string>)TopicQuality.Words(r.Text)).ToList();
        var table = new List<string> { "| model | K | NPMI@10 | diversity@25 | IRBO@10 | fit s |", "|---|---:|---:|---:|---:|---:|" };
        var features = new Dictionary<string, (float[][] Train, float[][] Test)>();

        foreach (int k in ks)
        {
            IReadOnlyList<string> vocabulary = null;
            foreach (var variant in new[] { ContextualTopicModelVariant.Combined, ContextualTopicModelVariant.ZeroShot })
            {
                var options = new ContextualTopicModelOptions
                {
                    OutputColumnName = "Topics", TextColumnName = "Text", EmbeddingColumnName = "Embedding",
                    Variant = variant, NumberOfTopics = k, MaxEpochs = epochs, Seed = seed, NumberOfThreads = threads,
                    Progress = new Progress(p => { if (p.Epoch % 10 == 0 || p.Epoch == 1) Console.WriteLine($"  {variant} K={k} {p}"); }),
                };
                var clock = Stopwatch.StartNew();
                var model = ml.Transforms.Text.LearnContextualTopics(options).Fit(trainData);
                double seconds = clock.Elapsed.TotalSeconds;
                vocabulary ??= model.Vocabulary;
                var top = TopicQuality.TopWords(model, 25);
                table.Add(Line(variant == ContextualTopicModelVariant.Combined ? "CombinedTM" : "ZeroShotTM", k, top, reference, seconds));
                Console.WriteLine(table[^1]);
                Console.WriteLine($"  vocabulary {model.Vocabulary.Count} words; {model.TrainingSummary.EmptyDocuments} empty documents left out; " +
                                  $"final loss {model.TrainingSummary.Losses[^1]:F1}");
                PrintTopics(top);
                if (k == ks[0])
                {
                    features[variant + "TM proportions"] = (Column(model.Transform(trainData), "Topics"), Column(model.Transform(testData), "Topics"));
                    if (variant == ContextualTopicModelVariant.ZeroShot)
                        PrintHeldBack(model, test, ml);
                }
            }

            // ML.NET LDA on the same vocabulary: the CTM preprocessing's counts as a Vector<Single, V> (no slot names, so
            // its top words come from GetLdaDetails' item scores mapped through the vocabulary).
            var bow = new BagOfWordsColumn(vocabulary);
            var ldaTrain = ml.Data.LoadFromEnumerable(train.Select(r => bow.Row(r.Text)), bow.Schema());
            var ldaTest = ml.Data.LoadFromEnumerable(test.Select(r => bow.Row(r.Text)), bow.Schema());
            var ldaClock = Stopwatch.StartNew();
            var lda = ml.Transforms.Text.LatentDirichletAllocation("Topics", "Bow", numberOfTopics: k, numberOfSummaryTermsPerTopic: 25,
                numberOfThreads: threads ?? 0, resetRandomGenerator: true).Fit(ldaTrain);
            double ldaSeconds = ldaClock.Elapsed.TotalSeconds;
            var ldaTop = TopicQuality.TopWords(lda, 25, vocabulary);
            table.Add(Line("ML.NET LDA", k, ldaTop, reference, ldaSeconds));
            Console.WriteLine(table[^1]);
            PrintTopics(ldaTop);
            if (k == ks[0])
                features["LDA proportions"] = (Column(lda.Transform(ldaTrain), "Topics"), Column(lda.Transform(ldaTest), "Topics"));
        }
        features["MiniLM vectors (384)"] = (train.Select(r => r.Embedding).ToArray(), test.Select(r => r.Embedding).ToArray());

        Console.WriteLine();
        Console.WriteLine(string.Join('\n', table));
        Console.WriteLine();
        Console.WriteLine($"| features (K = {ks[0]}) | held-back accuracy (micro) | macro |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var (name, (tr, te)) in features)
        {
            var (micro, macro) = Classify(ml, tr, train, te, test);
            Console.WriteLine($"| {name} | {micro:F4} | {macro:F4} |");
        }
        return 0;
    }

    private static string Line(string name, int k, IReadOnlyList<IReadOnlyList<string>> top, List<IEnumerable<string>> reference, double seconds) =>
        $"| {name} | {k} | {TopicQuality.NpmiCoherence(top, reference, 10).Mean:F4} | {TopicQuality.TopicDiversity(top, 25):F4} | " +
        $"{TopicQuality.InvertedRbo(top, 10):F4} | {seconds:F0} |";

    private static void PrintTopics(IReadOnlyList<IReadOnlyList<string>> top)
    {
        for (int i = 0; i < top.Count; i++)
            Console.WriteLine($"    {i,2}: {string.Join(' ', top[i].Take(10))}");
    }

    private static void PrintHeldBack(ContextualTopicModelTransformer model, List<Row> test, MLContext ml)
    {
        var words = model.GetTopWords(5);
        var vectors = Column(model.Transform(ml.Data.LoadFromEnumerable(test)), "Topics");
        Console.WriteLine($"  ZeroShotTM topic vectors of held-back posts (first 5 of {test.Count}):");
        for (int i = 0; i < Math.Min(5, test.Count); i++)
        {
            int best = Array.IndexOf(vectors[i], vectors[i].Max());
            Console.WriteLine($"    [{test[i].Label}] p={vectors[i][best]:F2} topic {best}: {string.Join(' ', words[best].Select(w => w.Word))}");
        }
        double meanMax = vectors.Average(v => v.Max());
        Console.WriteLine($"  mean largest proportion over held-back posts: {meanMax:F3}");
    }

    private static (double Micro, double Macro) Classify(MLContext ml, float[][] trainX, List<Row> train, float[][] testX, List<Row> test)
    {
        int d = trainX[0].Length;
        var schema = SchemaDefinition.Create(typeof(Labelled));
        schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, d);
        var trainData = ml.Data.LoadFromEnumerable(trainX.Select((x, i) => new Labelled { Features = x, Label = train[i].Label }), schema);
        var testData = ml.Data.LoadFromEnumerable(testX.Select((x, i) => new Labelled { Features = x, Label = test[i].Label }), schema);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.NormalizeMeanVariance("Features"))
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy());
        var metrics = ml.MulticlassClassification.Evaluate(pipeline.Fit(trainData).Transform(testData));
        return (metrics.MicroAccuracy, metrics.MacroAccuracy);
    }

    private static float[][] Column(IDataView data, string name) =>
        data.GetColumn<VBuffer<float>>(name).Select(v => v.DenseValues().ToArray()).ToArray();

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    private static string Get(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int Int(string[] args, string name, int fallback) =>
        Get(args, name) is string v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    private sealed class Row
    {
        public string Text { get; set; }
        [VectorType(EmbeddingCache.Dimension)] public float[] Embedding { get; set; }
        public string Label { get; set; }
    }

    private sealed class Labelled
    {
        public float[] Features { get; set; }
        public string Label { get; set; }
    }

    private sealed class Progress(Action<ContextualTopicModelProgress> report) : IProgress<ContextualTopicModelProgress>
    {
        public void Report(ContextualTopicModelProgress value) => report(value);
    }

    /// <summary>The topic model's counts as a dense Vector&lt;Single, V&gt; for ML.NET's LDA.</summary>
    private sealed class BagOfWordsColumn(IReadOnlyList<string> words)
    {
        private readonly TopicVocabulary _vocabulary = new(words);
        private readonly TopicTextProcessor _processor = new(TopicTextProcessor.EnglishStopWords, removeNumbers: true);

        public BowRow Row(string text)
        {
            var dense = new float[_vocabulary.Count];
            var bag = _vocabulary.Bag(_processor.Words(text));
            for (int j = 0; j < bag.Ids.Length; j++)
                dense[bag.Ids[j]] = bag.Counts[j];
            return new BowRow { Bow = dense };
        }

        public SchemaDefinition Schema()
        {
            var s = SchemaDefinition.Create(typeof(BowRow));
            s["Bow"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, _vocabulary.Count);
            return s;
        }
    }

    private sealed class BowRow
    {
        public float[] Bow { get; set; }
    }
}

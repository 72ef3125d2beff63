using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetContextual.Bench.Embedding;

namespace MLNetContextual.Bench.Use;

/// <summary>
/// Universal Sentence Encoder runners.
/// <c>use-train --arch dan|transformer [--distill 0|1] [--epochs 5] [--dim 512 (384 with --distill)] [--out use.zip]
/// [--threads n] [--limit rows per task]</c>: multi-task training on SNLI dev+test, STS-B train, SQuAD question → answer
/// sentence, Brown sentence → next sentence (and MiniLM distillation), validated on STS-B dev (Spearman per epoch,
/// best epoch kept); prints STS-B dev Spearman of cosine and angular similarity of the kept encoder, after a reload.
/// <c>use-throughput --dan a.zip --transformer b.zip [--count 10000]</c>: sentences/s on SST-2 train sentences, the two
/// USE encoders and the MiniLM (ApplyContextualEmbedding) in one process.
/// <c>use-transfer --model a.zip|minilm [--tasks MR,CR,SUBJ,MPQA,TREC]</c>: logistic regression on the vectors,
/// 10-fold cross-validation (TREC: its train/test split), as SentEval does.
/// </summary>
internal static class UseBench
{
    public static int Train(string[] args)
    {
        var a = new BenchArgs(args);
        var arch = a.String("arch", "dan") == "transformer" ? UseArchitecture.Transformer : UseArchitecture.Dan;
        bool distill = a.Int("distill", 0) == 1;
        int limit = a.Int("limit", int.MaxValue), epochs = a.Int("epochs", 5);
        int dim = a.Int("dim", distill ? 384 : 512);
        string output = a.String("out", $"/work/notes/use-{arch.ToString().ToLowerInvariant()}{(distill ? "-distill" : "")}.zip");
        Console.WriteLine($"machine: {EmbeddingHarness.MachineLine()}");
        Console.WriteLine($"date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; use-train {string.Join(' ', args)}");

        var ml = new MLContext(seed: 1);
        var tasks = new List<UseTrainingTask>
        {
            UseTrainingTask.PairClassification(ml.Data.LoadFromEnumerable(UseData.Snli().Take(limit)), name: "snli"),
            UseTrainingTask.PairRegression(ml.Data.LoadFromEnumerable(UseData.StsTrain().Take(limit)), name: "stsb-train"),
            UseTrainingTask.ResponsePrediction(ml.Data.LoadFromEnumerable(UseData.SquadAnswerSentences().Take(limit)), name: "squad-qa"),
            UseTrainingTask.ResponsePrediction(ml.Data.LoadFromEnumerable(UseData.BrownNeighbours(Math.Min(limit, a.Int("brown", 20000)))), name: "brown-next"),
        };
        if (distill)
        {
            var texts = UseData.DistillationTexts(Math.Min(limit, a.Int("distill-count", 20000)));
            var vectors = UseData.MiniLM(texts, $"/work/notes/use-teacher-minilm-{texts.Count}.f32");
            tasks.Add(UseTrainingTask.Distillation(ml.Data.LoadFromEnumerable(texts.Select((t, i) => new UseData.Teacher { Text = t, Vector = vectors[i] })),
                teacherColumnName: "Vector", name: "minilm-distill"));
        }
        var options = new UniversalSentenceEncoderOptions
        {
            Tasks = tasks, Architecture = arch, OutputDimension = dim, Epochs = epochs, BatchSize = a.Int("batch", 64),
            LearningRate = double.Parse(a.String("lr", arch == UseArchitecture.Dan ? "1e-3" : "5e-4"), System.Globalization.CultureInfo.InvariantCulture),
            NumberOfThreads = a.Int("threads", 0) is int t && t > 0 ? t : null,
            Validation = new UseValidationPairs(ml.Data.LoadFromEnumerable(UseData.StsDev())),
            Progress = new Progress(), ReportEvery = a.Int("report", 200),
        };
        options.BigramBuckets = a.Int("bigrams", options.BigramBuckets);
        options.EmbeddingDimension = a.Int("emb", options.EmbeddingDimension);
        options.VocabularySize = a.Int("vocab", options.VocabularySize);
        if (arch == UseArchitecture.Transformer)
            options.TransformerLayers = a.Int("layers", options.TransformerLayers);
        var sw = Stopwatch.StartNew();
        var data = ml.Data.LoadFromEnumerable(new[] { new TextRow { Text = "" } });
        var model = ml.Transforms.Text.LearnUniversalSentenceEncoder("Features", "Text", options).Fit(data);
        double trainSeconds = sw.Elapsed.TotalSeconds;
        ml.Model.Save(model, data.Schema, output);
        model.Dispose();
        var loaded = new MLContext().Model.Load(output, out _);
        var (cos, ang) = UseData.StsDevSpearman(texts => UseData.Embed(loaded, texts));
        Console.WriteLine();
        Console.WriteLine("| encoder | tasks | dim | epochs (kept) | train s | STS-B dev Spearman cos | angular | zip MB |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine($"| USE {arch} | {string.Join(" + ", tasks.Select(x => x.Name))} | {dim} | {epochs} ({model.BestEpoch}) | {trainSeconds:F0} | {cos:F4} | {ang:F4} | {new FileInfo(output).Length / 1e6:F1} |");
        Console.WriteLine($"per epoch (validation Spearman): {string.Join(", ", model.History.Select(h => $"{h.Epoch}: {h.ValidationSpearman:F4} (loss {h.Loss:F3})"))}");
        return 0;
    }

    private sealed class Progress : IProgress<UseTrainingProgress>
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        public void Report(UseTrainingProgress value) => Console.WriteLine($"[{_clock.Elapsed.TotalSeconds:F0} s] {value}");
    }

    public static int Throughput(string[] args)
    {
        var a = new BenchArgs(args);
        int count = a.Int("count", 10000), repeats = a.Int("repeats", 3);
        var sentences = SentenceSources.Sst2Train().Take(count).ToList();
        Console.WriteLine($"machine: {EmbeddingHarness.MachineLine()}");
        Console.WriteLine($"date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {sentences.Count} SST-2 train sentences, {repeats} interleaved rounds, median");
        var contenders = new List<(string Name, Func<MLContext, IDataView, ITransformer> Fit)>();
        foreach (var (key, name) in new[] { ("dan", "USE DAN (fitted transformer)"), ("transformer", "USE Transformer (fitted transformer)") })
            if (a.String(key, null) is string zip)
                contenders.Add((name, (ml, d) => ml.Model.Load(zip, out DataViewSchema _)));
        contenders.Add(("MiniLM (ApplyContextualEmbedding)", (ml, d) => (ITransformer)ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text").Fit(d)));
        var seconds = contenders.ToDictionary(c => c.Name, _ => new List<double>());
        for (int r = 0; r < repeats; r++)
            foreach (var (name, fit) in contenders)
            {
                var ml = new MLContext(seed: 1);
                var data = ml.Data.LoadFromEnumerable(sentences.Select(s => new TextRow { Text = s }));
                var model = fit(ml, data);
                var sw = Stopwatch.StartNew();
                long rows = 0;
                using (var cursor = model.Transform(data).GetRowCursor(model.GetOutputSchema(data.Schema).Where(c => c.Name == "Features")))
                {
                    var g = cursor.GetGetter<VBuffer<float>>(cursor.Schema["Features"]);
                    VBuffer<float> v = default;
                    while (cursor.MoveNext()) { g(ref v); rows++; }
                }
                seconds[name].Add(sw.Elapsed.TotalSeconds);
                (model as IDisposable)?.Dispose();
                Console.WriteLine($"round {r + 1}: {name}: {rows / sw.Elapsed.TotalSeconds:F0} sentences/s");
            }
        double mini = count / EmbeddingHarness.Median(seconds[contenders[^1].Name]);
        Console.WriteLine();
        Console.WriteLine("| encoder | sentences/s (median) | × MiniLM |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var (name, _) in contenders)
        {
            double rate = count / EmbeddingHarness.Median(seconds[name]);
            Console.WriteLine($"| {name} | {rate:F0} | {rate / mini:F1} |");
        }
        return 0;
    }

    public static int Transfer(string[] args)
    {
        var a = new BenchArgs(args);
        string model = a.String("model", "minilm");
        var tasks = a.String("tasks", "MR,CR,SUBJ,MPQA,TREC").Split(',');
        Console.WriteLine($"machine: {EmbeddingHarness.MachineLine()}");
        Console.WriteLine($"date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; use-transfer {string.Join(' ', args)}");
        Func<IReadOnlyList<string>, string, float[][]> embed;
        if (model == "minilm")
            embed = (texts, task) => UseData.MiniLM(texts, $"/work/notes/use-transfer-minilm-{task}.f32");
        else
        {
            var loaded = new MLContext().Model.Load(model, out _);
            embed = (texts, _) => UseData.Embed(loaded, texts);
        }
        Console.WriteLine();
        Console.WriteLine($"| {Path.GetFileName(model)} | {string.Join(" | ", tasks)} |");
        Console.WriteLine($"|---|{string.Join("", tasks.Select(_ => "---:|"))}");
        var scores = new List<string>();
        foreach (var task in tasks)
        {
            double acc = task == "TREC" ? Trec(embed) : CrossValidated(task, embed);
            Console.WriteLine($"{task}: accuracy {acc * 100:F2}");
            scores.Add($"{acc * 100:F1}");
        }
        Console.WriteLine($"| {Path.GetFileName(model)} | {string.Join(" | ", scores)} |");
        return 0;
    }

    private sealed class Example
    {
        [VectorType] public float[] Features { get; set; }
        public bool Label { get; set; }
    }

    private sealed class ClassExample
    {
        [VectorType] public float[] Features { get; set; }
        public string Label { get; set; }
    }

    private static (string Pos, string Neg) Files(string task) => task switch
    {
        "MR" => ("MR/rt-polarity.pos", "MR/rt-polarity.neg"),
        "CR" => ("CR/custrev.pos", "CR/custrev.neg"),
        "SUBJ" => ("SUBJ/subj.subjective", "SUBJ/subj.objective"),
        "MPQA" => ("MPQA/mpqa.pos", "MPQA/mpqa.neg"),
        _ => throw new ArgumentException($"Unknown transfer task '{task}'. Valid tasks are: MR, CR, SUBJ, MPQA, TREC."),
    };

    private static List<string> Lines(string path) =>
        File.ReadLines(Datasets.File("senteval-transfer", path), System.Text.Encoding.Latin1).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();

    private static double CrossValidated(string task, Func<IReadOnlyList<string>, string, float[][]> embed)
    {
        var (pos, neg) = Files(task);
        var p = Lines(pos);
        var n = Lines(neg);
        var texts = p.Concat(n).ToList();
        var vectors = embed(texts, task);
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(texts.Select((_, i) => new Example { Features = vectors[i], Label = i < p.Count }),
            SchemaDefinition(vectors[0].Length, typeof(Example)));
        var trainer = ml.BinaryClassification.Trainers.LbfgsLogisticRegression();
        var folds = ml.BinaryClassification.CrossValidateNonCalibrated(ml.Data.ShuffleRows(data, seed: 1), trainer, numberOfFolds: 10, seed: 1);
        return folds.Average(f => f.Metrics.Accuracy);
    }

    private static double Trec(Func<IReadOnlyList<string>, string, float[][]> embed)
    {
        static List<(string Label, string Text)> Read(string file) => Lines("TREC/" + file)
            .Select(l => { int sp = l.IndexOf(' '); return (l[..l.IndexOf(':')], l[(sp + 1)..]); }).ToList();
        var train = Read("train_5500.label");
        var test = Read("TREC_10.label");
        var vectors = embed(train.Concat(test).Select(x => x.Text).ToList(), "TREC");
        var ml = new MLContext(seed: 1);
        var schema = SchemaDefinition(vectors[0].Length, typeof(ClassExample));
        var trainData = ml.Data.LoadFromEnumerable(train.Select((x, i) => new ClassExample { Features = vectors[i], Label = x.Label }), schema);
        var testData = ml.Data.LoadFromEnumerable(test.Select((x, i) => new ClassExample { Features = vectors[train.Count + i], Label = x.Label }), schema);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy());
        var fitted = pipeline.Fit(trainData);
        return ml.MulticlassClassification.Evaluate(fitted.Transform(testData)).MicroAccuracy;
    }

    private static SchemaDefinition SchemaDefinition(int dimension, Type type)
    {
        var schema = Microsoft.ML.Data.SchemaDefinition.Create(type);
        schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, dimension);
        return schema;
    }
}

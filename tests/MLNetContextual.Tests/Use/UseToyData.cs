using Microsoft.ML;

namespace MLNetContextual.Tests.Use;

/// <summary>Tiny multi-task data written for these tests: sentences about three topics, pairs within and across them.</summary>
internal static class UseToyData
{
    public sealed class PairRow
    {
        public string Premise { get; set; }
        public string Hypothesis { get; set; }
        public string Label { get; set; }
    }

    public sealed class ScoreRow
    {
        public string Sentence1 { get; set; }
        public string Sentence2 { get; set; }
        public float Score { get; set; }
    }

    public sealed class ResponseRow
    {
        public string Input { get; set; }
        public string Response { get; set; }
    }

    public sealed class TeacherRow
    {
        public string Text { get; set; }
        [Microsoft.ML.Data.VectorType(16)] public float[] Teacher { get; set; }
    }

    public sealed class TextRow
    {
        public string Text { get; set; }
    }

    public sealed class FeaturesRow
    {
        public float[] Features { get; set; }
    }

    public sealed class NumberRow
    {
        public float Text { get; set; }
    }

    private static readonly string[][] Topics =
    [
        ["the cat sleeps on the mat", "a kitten naps on the rug", "the dog barks at the cat", "my cat likes warm milk"],
        ["stocks fell sharply today", "the market dropped on monday", "shares rose after the report", "investors sold their stocks"],
        ["it will rain tomorrow", "heavy rain and wind tonight", "the weather is sunny and warm", "snow is expected this week"],
    ];

    public static IEnumerable<string> Sentences => Topics.SelectMany(t => t);

    public static List<PairRow> Nli()
    {
        var rows = new List<PairRow>();
        for (int t = 0; t < Topics.Length; t++)
            for (int i = 0; i < Topics[t].Length; i++)
            {
                rows.Add(new PairRow { Premise = Topics[t][i], Hypothesis = Topics[t][(i + 1) % 4], Label = "entailment" });
                rows.Add(new PairRow { Premise = Topics[t][i], Hypothesis = Topics[(t + 1) % 3][i], Label = "contradiction" });
            }
        return rows;
    }

    public static List<ScoreRow> Sts()
    {
        var rows = new List<ScoreRow>();
        for (int t = 0; t < Topics.Length; t++)
            for (int i = 0; i < Topics[t].Length; i++)
            {
                rows.Add(new ScoreRow { Sentence1 = Topics[t][i], Sentence2 = Topics[t][(i + 2) % 4], Score = 4 });
                rows.Add(new ScoreRow { Sentence1 = Topics[t][i], Sentence2 = Topics[(t + 2) % 3][i], Score = 0.5f });
            }
        return rows;
    }

    public static List<ResponseRow> Responses() =>
        Topics.SelectMany(t => t.Select((s, i) => new ResponseRow { Input = s, Response = t[(i + 1) % 4] })).ToList();

    public static List<TeacherRow> Teacher(int dimension = 16)
    {
        var rng = new Random(5);
        var centres = Topics.Select(_ => Enumerable.Range(0, dimension).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray()).ToArray();
        return Topics.SelectMany((t, k) => t.Select(s => new TeacherRow
        {
            Text = s,
            Teacher = centres[k].Select(c => c + 0.05f * ((float)rng.NextDouble() - 0.5f)).ToArray(),
        })).ToList();
    }

    public static List<TextRow> Texts() => [.. Sentences.Select(s => new TextRow { Text = s }), new TextRow { Text = "" }, new TextRow { Text = "an unseen zebra!" }];

    /// <summary>Tiny options: 16-d vectors, all four tasks, 2 epochs.</summary>
    public static UniversalSentenceEncoderOptions Options(MLContext ml, UseArchitecture architecture, bool distill = true)
    {
        var tasks = new List<UseTrainingTask>
        {
            UseTrainingTask.PairClassification(ml.Data.LoadFromEnumerable(Nli()), name: "nli"),
            UseTrainingTask.PairRegression(ml.Data.LoadFromEnumerable(Sts()), name: "sts"),
            UseTrainingTask.ResponsePrediction(ml.Data.LoadFromEnumerable(Responses()), name: "next"),
        };
        if (distill)
            tasks.Add(UseTrainingTask.Distillation(ml.Data.LoadFromEnumerable(Teacher()), weight: 0.5, name: "teacher"));
        return new UniversalSentenceEncoderOptions
        {
            Tasks = tasks, Architecture = architecture, OutputDimension = 16, VocabularySize = 100, MinCount = 1, OovBuckets = 8,
            BigramBuckets = 32, EmbeddingDimension = 8, DanHiddenLayers = 1, DanHiddenSize = 16, TransformerLayers = 1,
            TransformerHeads = 2, TransformerFeedForwardSize = 32, TransformerMaxPositions = 32, MaxTokens = 32,
            Epochs = 2, BatchSize = 8, LearningRate = 1e-2, NumberOfThreads = 1, ReportEvery = 1,
        };
    }
}

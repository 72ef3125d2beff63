using Microsoft.ML.Data;

namespace MLNetContextual.Tests.Topics;

/// <summary>
/// A tiny corpus with planted topics: each document draws most of its words from one of four word groups (plus a
/// few shared filler words), and its 8-dimensional "embedding" is that topic's random centroid plus noise, so both
/// the bag of words and the embedding carry the topic.
/// </summary>
internal static class ToyTopicCorpus
{
    public const int Dimension = 8;

    public static readonly string[][] Topics =
    [
        ["apple", "banana", "cherry", "grape", "lemon", "mango", "peach", "plum"],
        ["engine", "wheel", "brake", "clutch", "piston", "gear", "tyre", "axle"],
        ["violin", "piano", "guitar", "flute", "drum", "cello", "harp", "trumpet"],
        ["planet", "comet", "orbit", "galaxy", "nebula", "rocket", "lunar", "solar"],
    ];

    private static readonly string[] Filler = ["today", "really", "thing", "stuff"];

    public sealed class Row
    {
        public string Text { get; set; }
        [VectorType(Dimension)] public float[] Embedding { get; set; }
        public int Topic { get; set; }
    }

    public sealed class Output
    {
        [VectorType(4)] public float[] Topics { get; set; }
    }

    public static List<Row> Create(int count, int seed = 7)
    {
        var rng = new Random(seed);
        var centroids = Enumerable.Range(0, Topics.Length)
            .Select(_ => Enumerable.Range(0, Dimension).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray()).ToArray();
        var rows = new List<Row>(count);
        for (int i = 0; i < count; i++)
        {
            int topic = i % Topics.Length;
            int length = 6 + rng.Next(6);
            var words = new List<string>();
            for (int w = 0; w < length; w++)
                words.Add(rng.NextDouble() < 0.85 ? Topics[topic][rng.Next(8)] : Filler[rng.Next(Filler.Length)]);
            if (rng.NextDouble() < 0.5)
                words.Add("the");   // a stop word, removed by the default list
            rows.Add(new Row
            {
                Text = string.Join(' ', words) + ".",
                Embedding = centroids[topic].Select(c => c + (float)(rng.NextDouble() - 0.5) * 0.3f).ToArray(),
                Topic = topic,
            });
        }
        return rows;
    }

    public static ContextualTopicModelOptions Options(ContextualTopicModelVariant variant) => new()
    {
        OutputColumnName = "Topics",
        TextColumnName = "Text",
        EmbeddingColumnName = "Embedding",
        Variant = variant,
        NumberOfTopics = 4,
        HiddenSizes = [32, 32],
        MaxEpochs = 60,
        BatchSize = 32,
        LearningRate = 1e-2,
        Seed = 5,
        NumberOfThreads = 1,
    };
}

using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetContextual.Tests.FineTuning;

namespace MLNetContextual.Tests.Cove;

/// <summary>LearnCove on a toy parallel set: the translation loss falls, the fitted transformer round-trips, bad input fails clearly.</summary>
[Collection(TorchTrainingCollection.Name)]
public class LearnCoveTests
{
    public sealed class PairRow
    {
        public string English { get; set; }
        public string German { get; set; }
    }

    public sealed class FeaturesRow
    {
        [VectorType(TinyCove.Dim + 2 * TinyCove.Hidden)]
        public float[] Features { get; set; }
    }

    private static readonly (string En, string De)[] Lexicon =
    [
        ("the", "der"), ("a", "ein"), ("big", "große"), ("small", "kleine"), ("red", "rote"), ("blue", "blaue"),
    ];
    private static readonly (string En, string De)[] Nouns = [("dog", "hund"), ("cat", "katze"), ("man", "mann"), ("child", "kind")];
    private static readonly (string En, string De)[] Verbs = [("sat", "saß"), ("ran", "lief"), ("plays", "spielt"), ("eats", "isst")];

    /// <summary>Toy pairs "det adj noun verb ." ↔ German word by word.</summary>
    internal static PairRow[] Toy(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var d = Lexicon[random.Next(2)];
            var a = Lexicon[2 + random.Next(4)];
            var n = Nouns[random.Next(Nouns.Length)];
            var v = Verbs[random.Next(Verbs.Length)];
            return new PairRow { English = $"{d.En} {a.En} {n.En} {v.En} .", German = $"{d.De} {a.De} {n.De} {v.De} ." };
        }).ToArray();
    }

    private static LearnCoveOptions Options(MLContext ml, int epochs = 6) => new()
    {
        Glove = TinyCove.Glove(), HiddenSize = TinyCove.Hidden, TargetEmbeddingSize = 8, TargetVocabularySize = 40, MinCount = 1,
        Epochs = epochs, BatchSize = 8, Optimizer = CoveOptimizer.Adam, LearningRate = 0.02, Dropout = 0, NumberOfThreads = 1,
        ValidationSet = ml.Data.LoadFromEnumerable(Toy(16, 9)),
    };

    [Fact]
    public void LearnCove_LowersTheTranslationLoss_AndRoundTrips()
    {
        var ml = new MLContext(seed: 1);
        var reports = new List<CoveTrainingProgress>();
        var options = Options(ml);
        options.Progress = new SyncProgress<CoveTrainingProgress>(reports.Add);
        var estimator = ml.Transforms.Text.LearnCove(options);
        var (model, path) = EstimatorChecks.RoundTrip<PairRow, FeaturesRow>(estimator, Toy(64, 1), ml: ml,
            invalidData: ml.Data.LoadFromEnumerable(new[] { new { English = "the dog", German = 3f } }));
        File.Delete(path);
        var epochs = estimator.LastTrainingEpochs;
        Assert.Equal(6, epochs.Count);
        Assert.True(epochs[^1].Loss < 0.7 * epochs[0].Loss, $"loss {epochs[0].Loss:F3} → {epochs[^1].Loss:F3}");
        Assert.True(epochs[^1].ValidationPerplexity < epochs[0].ValidationPerplexity, "validation perplexity did not fall");
        Assert.Contains(reports, r => r.EndOfEpoch);
        var encoder = Assert.IsType<CoveEncoder>(((ContextualEmbeddingTransformer)model).Encoder);
        Assert.Equal(TinyCove.Hidden, encoder.HiddenSize);
        ((IDisposable)model).Dispose();
    }

    [Fact]
    public void LearnCove_WrongColumnType_NamesColumnAndTypes()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new { English = "the dog", German = 3f } });
        var estimator = ml.Transforms.Text.LearnCove(Options(ml));
        var e = Assert.ThrowsAny<ArgumentOutOfRangeException>(() => estimator.Fit(data));
        Assert.Contains("'German'", e.Message);
        Assert.Contains("String", e.Message);
        Assert.Contains("Single", e.Message);
    }

    [Fact]
    public void LearnCove_Cancelled_Throws()
    {
        var ml = new MLContext(seed: 1);
        var options = Options(ml);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        options.CancellationToken = cts.Token;
        Assert.ThrowsAny<OperationCanceledException>(() => ml.Transforms.Text.LearnCove(options).Fit(ml.Data.LoadFromEnumerable(Toy(16, 1))));
    }

    [Fact]
    public void LearnCove_BadOptions_NameTheOption()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.Throws<ArgumentNullException>(() => ml.Transforms.Text.LearnCove("Features", "English", "German", glove: null));
        Assert.Equal("Glove", e.ParamName);
        var o = Options(ml);
        o.HiddenSize = 0;
        Assert.Contains("HiddenSize is 0", Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Text.LearnCove(o)).Message);
    }

    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}

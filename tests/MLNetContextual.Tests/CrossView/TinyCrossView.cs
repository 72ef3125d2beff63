using Microsoft.ML;

namespace MLNetContextual.Tests.CrossView;

/// <summary>
/// A synthetic tagging task that needs context: sentences "DET NOUN VERB DET NOUN ." where some words ("saw", "run",
/// "walk", "watch") are nouns after a determiner and verbs after a noun, so a tagger that reads each word alone gets them
/// wrong half the time; and a tiny Cross-View Training tagger trained on it once (seconds).
/// </summary>
internal static class TinyCrossView
{
    public sealed class Row
    {
        public string Text { get; set; }
        public string Tags { get; set; }
    }

    public sealed class TextRow
    {
        public string Text { get; set; }
    }

    public sealed class Tagged
    {
        public string[] PredictedTags { get; set; }
        public string[] PredictedTagsTokens { get; set; }
    }

    private static readonly string[] Determiners = ["the", "a", "this", "my"];
    private static readonly string[] Nouns = ["cat", "dog", "man", "girl", "bird", "house", "car", "boy"];
    private static readonly string[] Verbs = ["sees", "likes", "finds", "takes", "hears"];
    private static readonly string[] Ambiguous = ["saw", "run", "walk", "watch"];

    /// <summary><paramref name="count"/> sentences drawn with seed <paramref name="seed"/>.</summary>
    public static Row[] Sentences(int count, int seed)
    {
        var random = new Random(seed);
        string Pick(string[] words) => words[random.Next(words.Length)];
        var rows = new Row[count];
        for (int i = 0; i < count; i++)
        {
            var tokens = new List<(string, string)>();
            void Noun() => tokens.Add(random.Next(3) == 0 ? (Pick(Ambiguous), "NOUN") : (Pick(Nouns), "NOUN"));
            tokens.Add((Pick(Determiners), "DET"));
            Noun();
            tokens.Add(random.Next(2) == 0 ? (Pick(Ambiguous), "VERB") : (Pick(Verbs), "VERB"));
            tokens.Add((Pick(Determiners), "DET"));
            Noun();
            if (random.Next(2) == 0)
                tokens.Add((".", "PUNCT"));
            rows[i] = new Row { Text = string.Join(' ', tokens.Select(t => t.Item1)), Tags = string.Join(' ', tokens.Select(t => t.Item2)) };
        }
        return rows;
    }

    public static CrossViewConfig Config() => new()
    {
        WordEmbeddingDim = 8, CharEmbeddingDim = 4, CharFilterWidths = [2, 3], CharFilters = 4, MaxWordLength = 8,
        FirstLayerDim = 12, SecondLayerDim = 8, PredictionHiddenDim = 12,
    };

    public static LearnCrossViewTaggerOptions Options(int epochs = 12) => new()
    {
        Model = Config(), Epochs = epochs, BatchSize = 16, MinCount = 1, NumberOfThreads = 1, Seed = 3, WarmupSteps = 10,
    };

    private static readonly Lazy<(CrossViewTaggerTransformer Model, IReadOnlyList<CrossViewTrainingProgress> Epochs)> s_trained = new(() =>
    {
        var ml = new MLContext(seed: 1);
        var options = Options();
        options.UnlabelledSet = ml.Data.LoadFromEnumerable(Sentences(100, 7).Select(r => new TextRow { Text = r.Text }));
        options.ValidationSet = ml.Data.LoadFromEnumerable(Sentences(40, 9));
        var estimator = ml.Transforms.Text.LearnCrossViewTagger(options);
        var model = estimator.Fit(ml.Data.LoadFromEnumerable(Sentences(160, 5)));
        return (model, estimator.LastTrainingEpochs);
    });

    /// <summary>The tagger trained with CVT on 160 labelled and 100 unlabelled sentences.</summary>
    public static CrossViewTaggerTransformer Model => s_trained.Value.Model;

    public static CrossViewEncoder Encoder => Model.Encoder;

    public static IReadOnlyList<CrossViewTrainingProgress> Epochs => s_trained.Value.Epochs;
}

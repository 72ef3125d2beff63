using Microsoft.ML;

namespace MLNetContextual.Tests.Context2Vec;

/// <summary>A toy corpus built so that one filler of a slot is obvious (after "drinks" always "milk", after "eats"
/// always "bread", after "reads" always "books"), and a tiny context2vec model trained on it once (seconds).</summary>
internal static class TinyContext2Vec
{
    public sealed class TextRow
    {
        public string Text { get; set; }
    }

    private static readonly string[] Subjects = ["the cat", "the dog", "a boy", "a girl", "my friend", "the teacher", "our neighbour", "the child"];
    private static readonly (string Verb, string Object)[] Actions = [("drinks", "milk"), ("eats", "bread"), ("reads", "books")];
    private static readonly string[] Times = ["every morning", "at night", "on sunday", "today"];

    public static TextRow[] Corpus()
    {
        var rows = new List<TextRow>();
        int k = 0;
        foreach (var s in Subjects)
            foreach (var (verb, obj) in Actions)
                foreach (var t in Times)
                    rows.Add(new TextRow { Text = (k++ % 2 == 0 ? $"{s} {verb} {obj} {t} ." : $"{s} {verb} {obj} .") });
        return rows.ToArray();
    }

    public static Context2VecConfig Config() => new() { WordEmbeddingDim = 12, LstmHiddenDim = 16, MlpHiddenDim = 24, ContextDim = 16 };

    public static LearnContext2VecOptions Options(int epochs = 8) => new()
    {
        InputColumnName = "Text", OutputColumnName = "Features", Model = Config(), Epochs = epochs, BatchSize = 8, LearningRate = 1e-2,
        MinCount = 1, NumberOfThreads = 1, Seed = 3,
    };

    private static readonly Lazy<(Context2VecEncoder Encoder, IReadOnlyList<Context2VecTrainingProgress> Epochs)> s_trained = new(() =>
    {
        var ml = new MLContext(seed: 1);
        var options = Options(epochs: 40);
        options.LearningRate = 3e-2;
        var estimator = ml.Transforms.Text.LearnContext2Vec(options);
        using var model = estimator.Fit(ml.Data.LoadFromEnumerable(Corpus()));
        return ((Context2VecEncoder)model.Encoder, estimator.LastTrainingEpochs);
    });

    /// <summary>The model trained on <see cref="Corpus"/> for 40 epochs.</summary>
    public static Context2VecEncoder Encoder => s_trained.Value.Encoder;

    /// <summary>Its training reports per epoch.</summary>
    public static IReadOnlyList<Context2VecTrainingProgress> Epochs => s_trained.Value.Epochs;
}

using Microsoft.ML.Data;
using MLNetContextual.Tests.FineTuning;

namespace MLNetContextual.Tests.MirrorBert;

/// <summary>Toy sentences for the Mirror-BERT tests (half of them long enough to be span-masked) and a tiny BERT over
/// their words.</summary>
internal static class MirrorBertToyData
{
    public sealed class TextRow
    {
        public string Text { get; set; }
    }

    public sealed class VectorRow
    {
        [VectorType] public float[] Features { get; set; }
    }

    public sealed class NumberRow
    {
        public float Text { get; set; }
    }

    public static readonly string[] Sentences =
    [
        "the cat sat on the mat",
        "a dog ran in the park near the river bank",
        "rain fell all day over the quiet little town",
        "she reads a book",
        "the market opened higher after the bank report",
        "children played football in the snow",
        "he cooked soup and bread for his friends tonight",
        "stars shine at night",
        "the old train left the station five minutes late",
        "music filled the hall",
        "farmers harvest wheat at the end of the summer",
        "a storm is coming",
        "the team won the match in the last minute",
        "birds sing in spring",
        "the museum shows paintings from the last century",
        "tea or coffee",
    ];

    public static List<TextRow> Rows(IEnumerable<string> texts = null) => (texts ?? Sentences).Select(t => new TextRow { Text = t }).ToList();

    /// <summary>Tiny BERT (hidden 32, 2 layers) over the sentences' words; <see cref="BertCheckpoint.Untrained"/> draws its
    /// weights from TorchSharp's generator, which the trainer seeds.</summary>
    public static BertCheckpoint Bert(int maxPositions = 64) => TinyBert.For(Sentences.Append(MirrorBertMasking.MaskToken), maxPositions);

    public static MirrorBertOptions Options(BertCheckpoint bert = null) => new()
    {
        Encoder = bert ?? Bert(), BatchSize = 8, Epochs = 1, LearningRate = 1e-3, MaxTokens = 24, Seed = 3, NumberOfThreads = 1,
        InferenceMaxTokens = 64,
    };
}

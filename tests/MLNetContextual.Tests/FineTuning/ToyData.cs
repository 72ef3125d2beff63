namespace MLNetContextual.Tests.FineTuning;

/// <summary>Trivially separable toy tasks, written for these tests.</summary>
internal static class ToyData
{
    public sealed class SentimentRow
    {
        public string Sentence1 { get; set; }
        public bool Label { get; set; }
    }

    public sealed class TopicRow
    {
        public string Sentence1 { get; set; }
        public string Label { get; set; }
    }

    public sealed class QaRow
    {
        public string Context { get; set; }
        public string Question { get; set; }
        public string TrainingAnswer { get; set; }
        public int AnswerIndex { get; set; }
    }

    private static readonly string[] Positive = ["good", "great", "lovely", "wonderful", "happy", "superb"];
    private static readonly string[] Negative = ["bad", "awful", "terrible", "poor", "sad", "boring"];
    private static readonly string[] Templates = ["the film was {0}", "a {0} story", "what a {0} day", "it felt {0} to me", "{0} acting and music"];

    public static List<SentimentRow> Sentiment()
    {
        var rows = new List<SentimentRow>();
        foreach (var t in Templates)
            for (int i = 0; i < Positive.Length; i++)
            {
                rows.Add(new SentimentRow { Sentence1 = string.Format(t, Positive[i]), Label = true });
                rows.Add(new SentimentRow { Sentence1 = string.Format(t, Negative[i]), Label = false });
            }
        return rows;
    }

    private static readonly (string Topic, string[] Words)[] Topics =
    [
        ("sport", ["football", "tennis", "goal", "match"]),
        ("food", ["pizza", "bread", "soup", "cheese"]),
        ("weather", ["rain", "snow", "wind", "sunshine"]),
    ];

    public static List<TopicRow> Topic()
    {
        var rows = new List<TopicRow>();
        string[] templates = ["we talked about {0}", "{0} all day long", "there was {0} again", "news on {0}"];
        foreach (var t in templates)
            foreach (var (topic, words) in Topics)
                foreach (var w in words)
                    rows.Add(new TopicRow { Sentence1 = string.Format(t, w), Label = topic });
        return rows;
    }

    private static readonly string[] Fillers = ["one", "two", "three", "four", "five", "six", "seven", "eight"];
    private static readonly string[] Answers = ["red", "blue", "green", "gold", "pink", "gray"];

    /// <summary>"… the key is X …": the answer is the word after "the key is", anywhere in a context of fillers.</summary>
    public static List<QaRow> Qa(int count, int seed = 7)
    {
        var rng = new Random(seed);
        var rows = new List<QaRow>();
        for (int n = 0; n < count; n++)
        {
            var before = Enumerable.Range(0, rng.Next(0, 8)).Select(_ => Fillers[rng.Next(Fillers.Length)]);
            var after = Enumerable.Range(0, rng.Next(0, 8)).Select(_ => Fillers[rng.Next(Fillers.Length)]);
            string answer = Answers[rng.Next(Answers.Length)];
            string prefix = string.Join(" ", before.Append("the key is"));
            string context = $"{prefix} {answer} . {string.Join(" ", after)}".Trim();
            rows.Add(new QaRow { Context = context, Question = "what is the key ?", TrainingAnswer = answer, AnswerIndex = prefix.Length + 1 });
        }
        return rows;
    }

    public static IEnumerable<string> AllText() =>
        Sentiment().Select(r => r.Sentence1).Concat(Topic().Select(r => r.Sentence1))
            .Concat(Qa(1).Select(r => r.Question)).Concat(Fillers).Concat(Answers).Append("the key is");
}

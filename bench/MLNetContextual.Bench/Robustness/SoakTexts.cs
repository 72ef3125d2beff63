namespace MLNetContextual.Bench.Robustness;

/// <summary>Deterministic texts for the soak verbs (no dataset needed): short and long, ASCII and not, empty.</summary>
internal static class SoakTexts
{
    private static readonly string[] Subjects = ["The cat", "A new car", "Paris", "My neighbour's dog", "Das Auto", "東京の天気", "This movie", "The committee"];
    private static readonly string[] Verbs = ["sleeps", "drives fast", "is lovely in spring", "barks at night", "ist schnell", "は晴れです", "was a waste of time", "approved the plan"];
    private static readonly string[] Tails = ["", ".", " — really!", " and nobody knew why.", ", according to the report published on Monday morning", "?!"];

    public static string[] Make(int count)
    {
        var rng = new Random(7);
        var texts = new string[count];
        for (int i = 0; i < count; i++)
        {
            texts[i] = i switch
            {
                0 => "",
                1 => new string('a', 3000),   // longer than MaxTokens: truncated
                _ => $"{Subjects[rng.Next(Subjects.Length)]} {Verbs[rng.Next(Verbs.Length)]}{Tails[rng.Next(Tails.Length)]}"
                     + (rng.Next(4) == 0 ? " " + string.Join(' ', Enumerable.Range(0, rng.Next(60)).Select(k => "word" + k)) : ""),
            };
        }
        return texts;
    }
}

/// <summary>Input and output rows of the soak verbs.</summary>
internal sealed class SoakRow
{
    public string Text { get; set; }
}

internal sealed class SoakOutput
{
    public float[] Features { get; set; }
}

namespace MLNetContextual.Tests;

/// <summary>Tiny datasets for the mlnetctx tests, written in the test (no shared data).</summary>
internal static class CliData
{
    public static readonly string[] Weather =
    [
        "Heavy rain is expected tomorrow morning.", "A cold front brings snow to the hills.", "Sunny skies and warm temperatures today.",
        "Strong winds will ease by the evening.", "Fog will clear by midday.", "Thunderstorms are likely this afternoon.",
        "Frost overnight with clear skies.", "Temperatures drop below freezing tonight.",
    ];
    public static readonly string[] Sport =
    [
        "The striker scored twice in the final.", "Our team won the league on Sunday.", "The goalkeeper saved a penalty.",
        "She ran the marathon in record time.", "The coach praised the defenders.", "A late goal decided the derby.",
        "The tennis match went to five sets.", "He hit a home run in the ninth inning.",
    ];
    public static readonly string[] Food =
    [
        "Add the garlic and fry until golden.", "This soup needs more salt and pepper.", "Bake the bread for forty minutes.",
        "The chef served grilled fish with lemon.", "Whisk the eggs with sugar and butter.", "The curry was rich and spicy.",
        "Slice the tomatoes and dress the salad.", "We ate fresh pasta with basil.",
    ];

    /// <summary>A test console wide enough that no line wraps.</summary>
    public static Spectre.Console.Testing.TestConsole Console()
    {
        var console = new Spectre.Console.Testing.TestConsole();
        console.Profile.Width = 400;
        return console;
    }

    /// <summary>Three topics, first seen in the order weather, sport, food (not alphabetical), interleaved.</summary>
    public static string Topics(TempFolder dir, string name = "topics.tsv")
    {
        var rows = new List<string> { "Id\tSentence\tTopic" };
        for (int i = 0; i < 8; i++)
        {
            rows.Add($"{rows.Count}\t{Weather[i]}\tweather");
            rows.Add($"{rows.Count}\t{Sport[i]}\tsport");
            rows.Add($"{rows.Count}\t{Food[i]}\tfood");
        }
        File.WriteAllLines(dir.File(name), rows);
        return dir.File(name);
    }

    /// <summary>Binary sport (1) / food (0) as CSV without a header, quoted text in column 1, label in column 0.</summary>
    public static string BinaryCsv(TempFolder dir)
    {
        var lines = Sport.Zip(Food).SelectMany(p => new[] { $"1,\"{p.First}\"", $"0,\"{p.Second}\"" });
        File.WriteAllLines(dir.File("binary.csv"), lines);
        return dir.File("binary.csv");
    }
}

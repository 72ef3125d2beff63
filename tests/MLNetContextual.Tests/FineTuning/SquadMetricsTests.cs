namespace MLNetContextual.Tests.FineTuning;

/// <summary>The official SQuAD v1.1 normalisation, EM and F1 against hand-computed values.</summary>
public class SquadMetricsTests
{
    [Theory]
    [InlineData("The Quick, brown fox!", "quick brown fox")]
    [InlineData("  an   apple a day ", "apple day")]
    [InlineData("Theory of the 'a' team", "theory of team")]       // 'a' in quotes is still an article once quotes go
    [InlineData("U.S.A.", "usa")]
    [InlineData("the-end", "theend")]                               // punctuation removed before articles are found
    [InlineData("Anthem", "anthem")]                                // articles only as whole words
    [InlineData("1,000 €", "1000 €")]                               // only ASCII punctuation is removed
    public void Normalize_MatchesOfficialScript(string text, string expected) =>
        Assert.Equal(expected, SquadMetrics.Normalize(text));

    [Fact]
    public void ExactMatch_AfterNormalisation()
    {
        Assert.Equal(1, SquadMetrics.ExactMatch("The Cat.", "cat"));
        Assert.Equal(0, SquadMetrics.ExactMatch("black cat", "cat"));
        Assert.Equal(1, SquadMetrics.ExactMatch("", "the"));            // both normalise to ""
    }

    [Fact]
    public void F1_TokenOverlap()
    {
        // pred [brown, fox, jumps], gold [quick, brown, fox]: 2 shared, P = R = 2/3
        Assert.Equal(2.0 / 3, SquadMetrics.F1("a brown fox jumps", "the quick brown fox"), 12);
        // pred [denver, broncos] vs gold [broncos]: P = 1/2, R = 1, F1 = 2/3
        Assert.Equal(2.0 / 3, SquadMetrics.F1("Denver Broncos", "Broncos"), 12);
        // shared tokens count per occurrence: pred [new, new, york] vs gold [new, york]: shared 2, P = 2/3, R = 1, F1 = 0.8
        Assert.Equal(0.8, SquadMetrics.F1("new new york", "New York"), 12);
        Assert.Equal(0, SquadMetrics.F1("Paris", "London"));
        Assert.Equal(0, SquadMetrics.F1("", ""));                      // the v1.1 script returns 0 when nothing is shared
    }

    [Fact]
    public void MaxOverGoldAnswers_AndPercentages()
    {
        string[] golds = ["Denver Broncos", "the Broncos", "Broncos"];
        Assert.Equal(1, SquadMetrics.ExactMatch("broncos", golds));
        Assert.Equal(1, SquadMetrics.F1("Broncos!", golds));

        var scores = SquadMetrics.Evaluate(
        [
            ("Broncos", golds),                       // EM 1, F1 1
            ("Carolina Panthers", ["Panthers"]),      // EM 0, F1 2/3
            ("nothing", ["Santa Clara"]),             // EM 0, F1 0
        ]);
        Assert.Equal(3, scores.Count);
        Assert.Equal(100.0 / 3, scores.ExactMatch, 9);
        Assert.Equal(100.0 * (1 + 2.0 / 3) / 3, scores.F1, 9);
    }
}

using MLNetContextual.Bench;

namespace MLNetContextual.Tests.FineTuning;

/// <summary>The bench's grouping of SST-style phrases by the sentence they are cut from (compiled in from bench/).</summary>
public class PhraseGroupsTests
{
    private static readonly string[] Phrases =
    [
        "the film is great",     // 0: root
        "great",                 // 1: in 0 and in 5; 0 is longer
        "the plot is dull ",     // 2: root (whitespace is normalised)
        "dull",                  // 3: in 2
        "film is",               // 4: in 0
        "great fun",             // 5: root (not a run of tokens of 0)
        "he",                    // 6: a substring of "the" but no token of any phrase: its own root
        "is",                    // 7: in 0 and in 2; 0 is longer
        "the  plot",             // 8: in 2
        "great",                 // 9: a duplicate of 1: same group
    ];

    [Fact]
    public void PhraseBelongsToTheLongestPhraseContainingIt()
    {
        var group = PhraseGroups.Assign(Phrases);
        Assert.Equal([0, 0, 2, 2, 0, 5, 6, 0, 2, 0], group);
    }

    [Fact]
    public void HoldBack_KeepsEachGroupOnOneSide()
    {
        var group = PhraseGroups.Assign(Phrases);
        for (int seed = 0; seed < 10; seed++)
        {
            var held = PhraseGroups.HoldBack(group, 2, seed);
            Assert.Equal(2, group.Where((_, i) => held[i]).Distinct().Count());
            for (int i = 0; i < group.Length; i++)
                Assert.Equal(held[group[i]], held[i]);
        }
        Assert.Equal(PhraseGroups.HoldBack(group, 2, 4), PhraseGroups.HoldBack(group, 2, 4));
    }
}

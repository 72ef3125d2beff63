namespace MLNetContextual.Tests.Topics;

/// <summary>The measures against values computed by hand on toy inputs.</summary>
public class TopicQualityTests
{
    private static IReadOnlyList<IReadOnlyList<string>> T(params string[] topics) => topics.Select(t => (IReadOnlyList<string>)t.Split(' ')).ToList();

    [Fact]
    public void Npmi_DocumentCooccurrence()
    {
        // 4 documents. a: {0,1,2}, b: {0,1}, c: {3}, d: {0,1,2,3}.
        string[][] docs = [["a", "b", "d", "a"], ["a", "b", "d"], ["a", "c", "d"], ["c", "d"]];
        var topics = T("a b", "a c", "b d");
        var result = TopicQuality.NpmiCoherence(topics, docs, topWords: 2);
        // (a, b): P = 2/4, P(a) = 3/4, P(b) = 2/4: log(0.5 / 0.375) / -log 0.5 = 0.41504
        Assert.Equal(Math.Log(0.5 / (0.75 * 0.5)) / -Math.Log(0.5), result.PerTopic[0], 12);
        Assert.Equal(0.415037, result.PerTopic[0], 5);
        // (a, c): P = 1/4, P(a) = 3/4, P(c) = 2/4: log(0.25 / 0.375) / -log 0.25 = -0.29248
        Assert.Equal(-0.292481, result.PerTopic[1], 5);
        // (b, d): d is in every document, both = 2/4: log(0.5 / 0.5) / -log 0.5 = 0
        Assert.Equal(0, result.PerTopic[2], 12);
        Assert.Equal((0.415037 - 0.292481 + 0) / 3, result.Mean, 5);
    }

    [Fact]
    public void Npmi_NeverTogetherIsMinusOne_AlwaysTogetherIsOne_MeanOverPairs()
    {
        string[][] docs = [["x", "y", "p"], ["x", "y", "q"]];
        var result = TopicQuality.NpmiCoherence(T("p q x", "x y p"), docs, topWords: 3);
        // p q: never together: -1; p x: log(0.5 / (0.5 · 1)) / -log 0.5 = 0; q x: 0.  Mean -1/3.
        Assert.Equal(-1.0 / 3, result.PerTopic[0], 12);
        // x y: in every document: 1; x p: 0; y p: 0.  Mean 1/3.
        Assert.Equal(1.0 / 3, result.PerTopic[1], 12);
        // A word absent from the corpus never co-occurs.
        Assert.Equal(-1, TopicQuality.NpmiCoherence(T("x zzz", "y zzz"), docs, 2).Mean, 12);
    }

    [Fact]
    public void Diversity_UniqueShareOfTopWords()
    {
        // 3 topics × 2 words: {a, b, c, d} distinct of 6.
        Assert.Equal(4.0 / 6, TopicQuality.TopicDiversity(T("a b x", "b c y", "a d z"), topWords: 2), 12);
        Assert.Equal(1, TopicQuality.TopicDiversity(T("a b", "c d"), topWords: 2), 12);
    }

    [Fact]
    public void InvertedRbo_MatchesTheFormula()
    {
        const double p = 0.9;
        // Identical lists: RBO 1, inverted 0. Disjoint: inverted 1.
        Assert.Equal(0, TopicQuality.InvertedRbo(T("a b c", "a b c"), 3, p), 12);
        Assert.Equal(1, TopicQuality.InvertedRbo(T("a b c", "d e f"), 3, p), 12);
        // "a b c" vs "b a d": A1 = 0, A2 = 2/2, A3 = 2/3.
        // RBO = (1 - p)/p · (p·0 + p²·1 + p³·2/3) + p³·2/3
        double rbo = (1 - p) / p * (p * p * 1 + p * p * p * 2.0 / 3) + p * p * p * 2.0 / 3;
        Assert.Equal(1 - rbo, TopicQuality.InvertedRbo(T("a b c", "b a d"), 3, p), 12);
        // The reference's doctest: rbo_ext("abcdefg", "bacdefg", .9) = 0.9 (rounded to 3 places).
        Assert.Equal(0.9, TopicQuality.Rbo([.. "abcdefg".Select(c => c.ToString())], [.. "bacdefg".Select(c => c.ToString())], 0.9), 3);
        // Mean over the 3 pairs of 3 topics.
        double three = TopicQuality.InvertedRbo(T("a b c", "b a d", "x y z"), 3, p);
        Assert.Equal(1 - (rbo + 0 + 0) / 3, three, 12);
    }

    [Fact]
    public void Words_SplitsAsTheTopicModel()
    {
        Assert.Equal(["cafe", "naive"], TopicQuality.Words("Café, NAÏVE!! a x2y 123"));
    }

    [Fact]
    public void BadTopics()
    {
        Assert.Throws<ArgumentException>(() => TopicQuality.TopicDiversity(T("a b c"), 2));
        Assert.Throws<ArgumentException>(() => TopicQuality.TopicDiversity(T("a b", "c"), 2));
        Assert.Throws<ArgumentException>(() => TopicQuality.InvertedRbo(T("a a", "c d"), 2));
    }
}

using System.Globalization;
using System.Text;

namespace MLNetContextual.Tests;

public class StaticEmbeddingsLoadTests
{
    private static readonly string[] Words = ["king", "queen", "man", "woman"];
    private static readonly float[] Vectors =
    [
        0.9f, 0.8f, 0.1f,
        0.9f, 0.1f, 0.8f,
        0.1f, 0.9f, 0.1f,
        0.1f, 0.2f, 0.9f,
    ];

    private static StaticEmbeddings Sample() => new(Words, Vectors, 3);

    private static void AssertSameTable(StaticEmbeddings expected, StaticEmbeddings actual)
    {
        Assert.Equal(expected.Words, actual.Words);
        Assert.Equal(expected.Dimension, actual.Dimension);
        for (int i = 0; i < expected.Count; i++)
            Assert.Equal(expected.GetVector(expected.Words[i]).ToArray(), actual.GetVector(expected.Words[i]).ToArray());
    }

    [Fact]
    public void Word2VecText_WithHeader_IsDetected()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("v.txt"), "2 3\nking 0.5 -1 2e-1\nqueen 1 2 3\n");
        var e = StaticEmbeddings.Load(dir.File("v.txt"));
        Assert.Equal(StaticEmbeddingsFormat.Word2VecText, e.SourceFormat);
        Assert.Equal(new[] { 0.5f, -1f, 0.2f }, e.GetVector("king").ToArray());
    }

    [Fact]
    public void FastTextVec_TrailingSpaces_IsDetected()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("v.vec"), "2 3\n</s> 0.1 0.2 0.3 \nqueen 1 2 3 \n");
        var e = StaticEmbeddings.Load(dir.File("v.vec"));
        Assert.Equal(StaticEmbeddingsFormat.FastTextVec, e.SourceFormat);
        Assert.Equal(new[] { 1f, 2f, 3f }, e.GetVector("queen").ToArray());
        Assert.True(e.Contains("</s>"));
    }

    [Fact]
    public void GloVeText_NoHeader_TokenWithSpacesTakesTheLastDFields()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("g.txt"), "the 0.1 0.2\r\nnew york 1.5 -2.5\r\n, 3 4\r\n");
        var e = StaticEmbeddings.Load(dir.File("g.txt"));
        Assert.Equal(StaticEmbeddingsFormat.GloVeText, e.SourceFormat);
        Assert.Equal(2, e.Dimension);
        Assert.Equal(new[] { "the", "new york", "," }, e.Words);
        Assert.Equal(new[] { 1.5f, -2.5f }, e.GetVector("new york").ToArray());
    }

    [Fact]
    public void Word2VecBinaryAndText_SaveThenLoad_RoundTrip()
    {
        using var dir = new TempFolder();
        var e = Sample();
        e.SaveWord2VecBinary(dir.File("v.bin"));
        e.SaveWord2VecText(dir.File("v.txt"));
        var binary = StaticEmbeddings.Load(dir.File("v.bin"));
        var text = StaticEmbeddings.Load(dir.File("v.txt"));
        Assert.Equal(StaticEmbeddingsFormat.Word2VecBinary, binary.SourceFormat);
        Assert.Equal(StaticEmbeddingsFormat.Word2VecText, text.SourceFormat);
        AssertSameTable(e, binary);
        AssertSameTable(e, text);
    }

    [Fact]
    public void Numbers_AreParsedWithTheInvariantCulture()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("g.txt"), "a 0.5 1.25\nb 2 3\n");
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            Assert.Equal(new[] { 0.5f, 1.25f }, StaticEmbeddings.Load(dir.File("g.txt")).GetVector("a").ToArray());
            Sample().SaveWord2VecText(dir.File("w.txt"));
            Assert.DoesNotContain(",", File.ReadAllText(dir.File("w.txt")));
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Theory]
    [InlineData("3 2\na 1 2\nb 1 2 3\nc 1 2\n", "Line 3")]     // word2vec text: too many fields
    [InlineData("a 1 2\nb 1 2\nc 1\nd 1 2\n", "Line 3")]        // GloVe: too few fields
    [InlineData("a 1 2\nb 1 x\n", "Line 2")]                    // not a number
    [InlineData("3 2\na 1 2\nb 1 2\n", "announces 3 vectors of 2 floats")]   // header promises more than the file can hold
    [InlineData("3 1\na 1\nb 1\n\n\n\n", "has 2 vectors")]     // header promises more, the bytes would fit
    public void MalformedText_ErrorNamesTheLine(string content, string expected)
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("v.txt"), content);
        var e = Assert.Throws<InvalidDataException>(() => StaticEmbeddings.Load(dir.File("v.txt")));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void DuplicateWord_KeepsTheFirstVector()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("g.txt"), "a 1 2\nb 3 4\na 5 6\n");
        var e = StaticEmbeddings.Load(dir.File("g.txt"));
        Assert.Equal(new[] { "a", "b" }, e.Words);
        Assert.Equal(new[] { 1f, 2f }, e.GetVector("a").ToArray());
    }

    [Fact]
    public void EmptyFile_IsAClearError()
    {
        using var dir = new TempFolder();
        File.WriteAllBytes(dir.File("empty.txt"), []);
        var e = Assert.Throws<InvalidDataException>(() => StaticEmbeddings.Load(dir.File("empty.txt")));
        Assert.Contains("empty", e.Message);
        Assert.Contains("empty.txt", e.Message);
    }

    [Fact]
    public void MissingFile_NamesThePath()
    {
        var e = Assert.Throws<FileNotFoundException>(() => StaticEmbeddings.Load("/no/such/vectors.bin"));
        Assert.Contains("/no/such/vectors.bin", e.Message);
    }

    [Fact]
    public void TruncatedBinary_IsAClearError()
    {
        using var dir = new TempFolder();
        Sample().SaveWord2VecBinary(dir.File("v.bin"));
        var bytes = File.ReadAllBytes(dir.File("v.bin"));
        File.WriteAllBytes(dir.File("cut.bin"), bytes[..^8]);
        var e = Assert.Throws<InvalidDataException>(() => StaticEmbeddings.Load(dir.File("cut.bin")));
        Assert.Contains("word 4 of 4", e.Message);
    }

    [Fact]
    public void Queries_MostSimilarSimilarityAnalogy()
    {
        var e = Sample();
        Assert.Equal(1f, e.Similarity("king", "king"), 5);
        Assert.True(e.Similarity("king", "man") > e.Similarity("king", "woman"));
        var nearest = e.MostSimilar("king", 2);
        Assert.Equal(2, nearest.Count);
        Assert.DoesNotContain(nearest, n => n.Word == "king");
        Assert.True(nearest[0].Similarity >= nearest[1].Similarity);
        // man : king :: woman : ?  →  queen
        Assert.Equal("queen", e.Analogy("man", "king", "woman")[0].Word);
        Assert.Throws<KeyNotFoundException>(() => e.Similarity("king", "prince"));
    }
}

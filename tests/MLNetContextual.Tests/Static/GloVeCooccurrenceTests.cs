using Microsoft.ML;

namespace MLNetContextual.Tests.Static;

/// <summary>GloVe's co-occurrence counts within a memory limit: spilled runs, merged records, on-disk shuffle, no files left.</summary>
public class GloVeCooccurrenceTests
{
    private const long Unlimited = 1L << 30;
    private const long Tiny = 4096;   // a 4 KB limit: a few dense rows, a 64-slot hash table, many spilled runs

    private static (IDataView Data, Vocabulary Vocab) TinyCorpus(MLContext ml, int rows = 300)
    {
        var data = ml.Data.LoadFromEnumerable(WordEmbeddingLearnerTests.Corpus(rows));
        return (data, Vocabulary.Count(data, "Tokens", minCount: 1));
    }

    private static CooccurrenceRecord[] Counts(IDataView data, Vocabulary vocab, long limit, string dir, out int spills, int window = 5, bool symmetric = true)
    {
        var counts = CooccurrenceCounts.Count(data, "Tokens", vocab, window, symmetric, limit, dir);
        spills = counts.Spills;
        return CooccurrenceRecords.Sorted(counts);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TinyMemoryLimit_SpillsAndGivesTheSameCounts(bool symmetric)
    {
        using var dir = new TempFolder();
        var ml = new MLContext(seed: 1);
        var (data, vocab) = TinyCorpus(ml);

        var unlimited = Counts(data, vocab, Unlimited, dir.Path, out int noSpills, symmetric: symmetric);
        var limited = Counts(data, vocab, Tiny, dir.Path, out int spills, symmetric: symmetric);

        Assert.Equal(0, noSpills);
        Assert.True(spills > 1, $"expected several spilled runs at a {Tiny}-byte limit, got {spills}");
        Assert.Equal(unlimited, limited);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));

        // Both equal a direct count: pairs within the window weighted 1/distance, in (word, context) order.
        var expected = new SortedDictionary<(int, int), double>();
        foreach (var row in WordEmbeddingLearnerTests.Corpus(300))
            for (int j = 0; j < row.Tokens.Length; j++)
                for (int k = Math.Max(0, j - 5); k < j; k++)
                {
                    int a = Array.IndexOf(vocab.Words, row.Tokens[k]), b = Array.IndexOf(vocab.Words, row.Tokens[j]);
                    expected[(a, b)] = expected.GetValueOrDefault((a, b)) + 1.0 / (j - k);
                    if (symmetric) expected[(b, a)] = expected.GetValueOrDefault((b, a)) + 1.0 / (j - k);
                }
        Assert.Equal(expected.Select(kv => new CooccurrenceRecord(kv.Key.Item1, kv.Key.Item2, (float)kv.Value)), unlimited);
    }

    [Fact]
    public void DenseTableFitsItsHalfOfTheLimit()
    {
        Assert.Equal(0, CooccurrenceCounts.DenseMaxProduct(1000, 100));               // not even the row references fit
        Assert.Equal(1000L * 1000, CooccurrenceCounts.DenseMaxProduct(1000, 10L << 20)); // all 1000² pairs fit in 10 MB
        long p = CooccurrenceCounts.DenseMaxProduct(26816, 256L << 20);
        Assert.InRange(p, 1_000_000, 26816L * 26816 - 1);
    }

    [Fact]
    public void TinyMemoryLimit_SameVectorsWhileTheRecordsFit_StreamedOtherwise_NoFilesLeft()
    {
        using var dir = new TempFolder();
        var ml = new MLContext(seed: 1);
        var (data, vocab) = TinyCorpus(ml, rows: 600);
        GloVeOptions Options(long? limit) => new()
        {
            Dimension = 16, Window = 5, XMax = 10, Epochs = 50, MinCount = 2, NumberOfThreads = 1,
            TemporaryDirectory = dir.Path, MemoryLimitBytes = limit,
        };
        long pairs = Counts(data, vocab, Unlimited, dir.Path, out _).Length;

        var reference = ml.Transforms.Text.LearnGloVe("Features", "Tokens", Options(null)).Fit(data).Embeddings;
        // Limit just above the 12-byte records: the counts spill, but training holds the records as before.
        var spilled = ml.Transforms.Text.LearnGloVe("Features", "Tokens", Options(pairs * 12)).Fit(data).Embeddings;
        Assert.Equal(reference.Words, spilled.Words);
        for (int i = 0; i < reference.Count; i++)
            Assert.Equal(reference.GetVector(reference.Words[i]).ToArray(), spilled.GetVector(spilled.Words[i]).ToArray());
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));

        // A 4 KB limit: records shuffled on disk and streamed on every epoch (another shuffle, so other vectors) — by 2 threads.
        using (var records = CooccurrenceRecords.Shuffled(
                   CooccurrenceCounts.Count(data, "Tokens", vocab, 5, true, Tiny, dir.Path), Tiny, seed: 1, dir.Path))
        {
            Assert.False(records.InMemory);
            Assert.Equal(Counts(data, vocab, Unlimited, dir.Path, out _).Length, records.Count);
        }
        var options = Options(Tiny);
        options.NumberOfThreads = 2;
        var streamed = ml.Transforms.Text.LearnGloVe("Features", "Tokens", options).Fit(data).Embeddings;
        Assert.Equal(reference.Words, streamed.Words);
        Assert.True(streamed.Similarity("cat", "dog") > streamed.Similarity("cat", "car"),
            $"cat–dog {streamed.Similarity("cat", "dog"):F3}, cat–car {streamed.Similarity("cat", "car"):F3}");
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void FailureWhileCounting_LeavesNoFiles()
    {
        using var dir = new TempFolder();
        var ml = new MLContext(seed: 1);
        var rows = WordEmbeddingLearnerTests.Corpus(300);
        int passes = 0;
        IEnumerable<StaticWordEmbeddingTests.TokensRow> Rows()
        {
            passes++;
            for (int i = 0; i < rows.Length; i++)
            {
                if (passes == 2 && i == 250) throw new IOException("disk gone");   // the counting pass, after spills
                yield return rows[i];
            }
        }
        var data = ml.Data.LoadFromEnumerable(Rows());
        var options = new GloVeOptions { Dimension = 4, MinCount = 1, Epochs = 1, TemporaryDirectory = dir.Path, MemoryLimitBytes = Tiny };
        var error = Assert.ThrowsAny<Exception>(() => ml.Transforms.Text.LearnGloVe("Features", "Tokens", options).Fit(data));
        Assert.Contains("disk gone", error.ToString());
        Assert.Equal(2, passes);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void BadMemoryOptions_NameTheOption()
    {
        var ml = new MLContext(seed: 1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.Transforms.Text.LearnGloVe("Features", "Tokens", new GloVeOptions { MaxCooccurrenceMemoryMB = 0 }));
        Assert.Contains("MaxCooccurrenceMemoryMB", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.Transforms.Text.LearnGloVe("Features", "Tokens", new GloVeOptions { TemporaryDirectory = "/no/such/folder" }));
        Assert.Contains("TemporaryDirectory", e.Message);
    }
}

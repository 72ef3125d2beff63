using Microsoft.ML;

namespace MLNetContextual.Tests.Seam;

/// <summary>The sentence-vector cache: a second pass (what SDCA and L-BFGS make) and repeated texts do not re-run the
/// encoder, outputs are unchanged, and the cache stays within its budget.</summary>
public class EmbeddingCacheTests
{
    [Fact]
    public void SecondPass_IsServedFromTheCache_WithTheSameVectors()
    {
        var ml = new MLContext();
        var rows = ContextualEmbeddingTests.Rows.Concat(ContextualEmbeddingTests.Rows).ToArray();   // every text twice
        var data = ml.Data.LoadFromEnumerable(rows);
        using var model = ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text").Fit(data);
        var first = ml.Data.CreateEnumerable<ContextualEmbeddingTests.FeaturesRow>(model.Transform(data), false).Select(r => r.Features).ToList();
        var cache = model.Embedder.Cache;
        Assert.Equal(4, cache.Count);             // 4 distinct texts encoded (null and "" are the same text)
        long misses = cache.Misses;
        var second = ml.Data.CreateEnumerable<ContextualEmbeddingTests.FeaturesRow>(model.Transform(data), false).Select(r => r.Features).ToList();
        Assert.Equal(misses, cache.Misses);       // the second pass encoded nothing
        Assert.True(cache.Hits >= rows.Length);
        for (int i = 0; i < first.Count; i++)
            Assert.Equal(first[i], second[i]);

        model.Dispose();   // cached texts too: nothing is served after disposal
        Assert.Throws<ObjectDisposedException>(() => ml.Data.CreateEnumerable<ContextualEmbeddingTests.FeaturesRow>(model.Transform(data), false).ToList());

        using var uncached = ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text", new ContextualEmbeddingOptions { CacheSizeMB = 0 }).Fit(data);
        Assert.Null(uncached.Embedder.Cache);
        var plain = ml.Data.CreateEnumerable<ContextualEmbeddingTests.FeaturesRow>(uncached.Transform(data), false).Select(r => r.Features).ToList();
        for (int i = 0; i < first.Count; i++)
            for (int k = 0; k < 384; k++)
                Assert.Equal(plain[i][k], first[i][k], 5);
    }

    [Fact]
    public void Cache_KeepsTheFirstTexts_AndAdmitsNoneOnceFull()
    {
        var cache = new EmbeddingCache(megabytes: 1);
        for (int i = 0; i < 2000; i++)
            cache.Add($"text {i}", new float[384]);   // ~1.6 KB each: about 650 fit in 1 MB
        Assert.True(cache.IsFull);
        Assert.True(cache.TryGet("text 0", out _));
        Assert.False(cache.TryGet("text 1999", out _));
        // A second pass over the same 2,000 texts finds the kept ones again (LRU eviction would find none).
        int kept = Enumerable.Range(0, 2000).Count(i => cache.TryGet($"text {i}", out _));
        Assert.InRange(kept, 500, 700);
        Assert.Equal(kept, cache.Count);
    }
}

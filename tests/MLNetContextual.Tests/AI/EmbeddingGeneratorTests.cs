using Microsoft.Extensions.AI;
using Microsoft.ML;

namespace MLNetContextual.Tests;

public class EmbeddingGeneratorTests
{
    private static readonly string[] Texts = ["A cat sat on the mat.", "Stocks fell sharply on Monday.", "", "The kitten slept on the rug."];

    [Fact]
    public async Task SameVectorsAsThePipeline_AndMetadata()
    {
        using var generator = new ContextualEmbeddingGenerator(new ContextualEmbeddingOptions { BatchSize = 3 });
        var embeddings = await generator.GenerateAsync(Texts);
        Assert.Equal(Texts.Length, embeddings.Count);

        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(Texts.Select(t => new ContextualEmbeddingTests.TextRow { Text = t }));
        var rows = ml.Data.CreateEnumerable<ContextualEmbeddingTests.FeaturesRow>(
            ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text").Fit(data).Transform(data), false).ToList();
        for (int i = 0; i < Texts.Length; i++)
            Assert.Equal(rows[i].Features, embeddings[i].Vector.ToArray());

        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        Assert.Equal("MLNetContextual", metadata.ProviderName);
        Assert.Equal("all-MiniLM-L6-v2", metadata.DefaultModelId);
        Assert.Equal(384, metadata.DefaultModelDimensions);
        Assert.True(WordEmbeddingTests.Cosine(embeddings[0].Vector.ToArray(), embeddings[3].Vector.ToArray())
            > WordEmbeddingTests.Cosine(embeddings[0].Vector.ToArray(), embeddings[1].Vector.ToArray()));
    }

    [Fact]
    public async Task ConcurrentCalls_GiveTheSameResults()
    {
        using var generator = new ContextualEmbeddingGenerator();
        var expected = await generator.GenerateAsync(Texts);
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => generator.GenerateAsync(Texts)));
        foreach (var r in results)
            for (int i = 0; i < Texts.Length; i++)
                Assert.Equal(expected[i].Vector.ToArray(), r[i].Vector.ToArray());
    }

    [Fact]
    public async Task Cancellation_IsObserved()
    {
        using var generator = new ContextualEmbeddingGenerator();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generator.GenerateAsync(Texts, cancellationToken: cts.Token));
    }
}

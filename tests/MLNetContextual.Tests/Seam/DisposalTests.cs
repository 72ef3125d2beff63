using Microsoft.Extensions.AI;
using Microsoft.ML;
using MLNetContextual.Tests.FineTuning;

namespace MLNetContextual.Tests.Seam;

/// <summary>Disposed components throw ObjectDisposedException instead of reaching freed native memory; disposal waits
/// for rows being encoded.</summary>
public class DisposalTests
{
    [Fact]
    public async Task Generator_AfterDispose_ThrowsObjectDisposed()
    {
        var generator = new ContextualEmbeddingGenerator();
        generator.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => generator.GenerateAsync(["hello"]));
    }

    [Fact]
    public void DisposingPredictionEngine_DisposesModel_LaterUseSaysHowToKeepIt()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(ContextualEmbeddingTests.Rows);
        var model = ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text").Fit(data);
        using (var engine = ml.Model.CreatePredictionEngine<ContextualEmbeddingTests.TextRow, ContextualEmbeddingTests.FeaturesRow>(model))
            Assert.Equal(384, engine.Predict(new() { Text = "first" }).Features.Length);
        var e = Assert.Throws<ObjectDisposedException>(() => ml.Data.CreateEnumerable<ContextualEmbeddingTests.FeaturesRow>(model.Transform(data), false).ToList());
        Assert.Contains("OwnsTransformer = false", e.Message);

        // With OwnsTransformer = false the model survives its engines.
        var kept = ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text").Fit(data);
        using (var engine = ml.Model.CreatePredictionEngine<ContextualEmbeddingTests.TextRow, ContextualEmbeddingTests.FeaturesRow>(kept,
            new PredictionEngineOptions { OwnsTransformer = false }))
            engine.Predict(new() { Text = "first" });
        Assert.Equal(5, ml.Data.CreateEnumerable<ContextualEmbeddingTests.FeaturesRow>(kept.Transform(data), false).Count());
        kept.Dispose();
    }

    [Fact]
    public async Task DisposeWhileThreadsPredict_WaitsOrFailsCleanly()
    {
        var ml = new MLContext();
        var data = ml.Data.LoadFromEnumerable(ContextualEmbeddingTests.Rows);
        var model = ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text", new ContextualEmbeddingOptions { IntraOpThreads = 1 }).Fit(data);
        int done = 0, disposed = 0;
        var workers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            var engine = ml.Model.CreatePredictionEngine<ContextualEmbeddingTests.TextRow, ContextualEmbeddingTests.FeaturesRow>(model,
                new PredictionEngineOptions { OwnsTransformer = false });
            for (int i = 0; i < 200; i++)
            {
                try
                {
                    Assert.Equal(384, engine.Predict(new() { Text = $"sentence number {i}" }).Features.Length);
                    Interlocked.Increment(ref done);
                }
                catch (ObjectDisposedException)
                {
                    Interlocked.Increment(ref disposed);
                    return;
                }
            }
        })).ToArray();
        // Dispose only once both threads are predicting (a fixed sleep raced engine creation on a loaded CI machine).
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref done) >= 2, TimeSpan.FromSeconds(120)), "no prediction finished in 120 s");
        model.Dispose();
        await Task.WhenAll(workers);
        Assert.Throws<ObjectDisposedException>(() => ml.Data.CreateEnumerable<ContextualEmbeddingTests.FeaturesRow>(model.Transform(data), false).ToList());
    }

    [Fact]
    [Trait("Category", "Torch")]
    public void Classifier_AfterDispose_ThrowsObjectDisposed()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(ToyData.Sentiment());
        var model = ml.BinaryClassification.Trainers.ContextualTextClassification(TextClassificationTests.Options(epochs: 1)).Fit(data);
        model.Dispose();
        Assert.Throws<ObjectDisposedException>(() => ml.Data.CreateEnumerable<TextClassificationTests.BinaryOutput>(model.Transform(data), false).ToList());
        Assert.Throws<ObjectDisposedException>(() => model.Encoder);
    }
}

using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetContextual.Tests.FineTuning;
using MLNetContextual.Torch;
using TorchSharp;

namespace MLNetContextual.Tests.Torch;

/// <summary>Every TorchSharp path sets its thread count explicitly (the options' count, else min(processors, 4)) and
/// restores the process-wide count it found, after Fit and after each Transform run.</summary>
[Collection(TorchTrainingCollection.Name)]
[Trait("Category", "Torch")]
public class TorchThreadsTests
{
    /// <summary>A count that is neither the default nor 1, so that a path that leaves its own count behind is seen.</summary>
    private static int Outside => TorchThreads.Default + 1;

    [Fact]
    public void Default_IsProcessorCountCapped()
    {
        Assert.Equal(Math.Min(Environment.ProcessorCount, TorchThreads.DefaultCap), TorchThreads.Default);
        Assert.InRange(TorchThreads.Default, 1, TorchThreads.DefaultCap);
    }

    [Fact]
    public void Scopes_NestedOrOverlapping_RestoreTheCountFromBefore()
    {
        using var outside = new OutsideCount(Outside);
        var a = TorchThreads.Use(null);
        Assert.Equal(TorchThreads.Default, torch.get_num_threads());
        var b = TorchThreads.Use(1);
        Assert.Equal(1, torch.get_num_threads());
        a.Dispose();                                    // not the latest: b's count stays
        Assert.Equal(1, torch.get_num_threads());
        a.Dispose();                                    // twice: nothing happens
        Assert.Equal(1, torch.get_num_threads());
        b.Dispose();
        Assert.Equal(Outside, torch.get_num_threads());

        using (TorchThreads.Use(2))
        {
            using (TorchThreads.Use(1))
                Assert.Equal(1, torch.get_num_threads());
            Assert.Equal(2, torch.get_num_threads());   // the outer scope's count again
        }
        Assert.Equal(Outside, torch.get_num_threads());
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => TorchThreads.Use(0));
        Assert.Contains("Threads is 0", e.Message);
    }

    [Fact]
    public void FineTuning_FitAndTransform_UseTheDefaultThenRestore()
    {
        using var outside = new OutsideCount(Outside);
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(ToyData.Sentiment());
        var options = TextClassificationTests.Options(epochs: 1);
        options.NumberOfThreads = null;
        var during = new List<int>();
        options.Progress = new TextClassificationTests.SyncProgress(_ => during.Add(torch.get_num_threads()));
        using var model = ml.BinaryClassification.Trainers.ContextualTextClassification(options).Fit(data);
        Assert.NotEmpty(during);
        Assert.All(during, n => Assert.Equal(TorchThreads.Default, n));
        Assert.Equal(Outside, torch.get_num_threads());

        // The fine-tuned encoder applied by a transform runs in TorchSharp (TorchTokenSession): restored after each run.
        using var embedding = ml.Transforms.Text.ApplyContextualEmbedding("Features", "Sentence1",
            new ContextualEmbeddingOptions { Encoder = model.Encoder, MaxTokens = 16 }).Fit(data);
        var vectors = embedding.Transform(data).GetColumn<float[]>("Features").ToList();
        Assert.Equal(ToyData.Sentiment().Count, vectors.Count);
        Assert.Equal(Outside, torch.get_num_threads());
    }

    [Fact]
    public void FineTuning_NumberOfThreads_IsUsedDuringFit()
    {
        using var outside = new OutsideCount(Outside);
        var ml = new MLContext(seed: 1);
        var options = QuestionAnswerTests.Options(epochs: 1);
        options.NumberOfThreads = 1;
        var during = new List<int>();
        options.Progress = new TextClassificationTests.SyncProgress(_ => during.Add(torch.get_num_threads()));
        using var model = ml.MulticlassClassification.Trainers.ContextualQuestionAnswer(options).Fit(ml.Data.LoadFromEnumerable(ToyData.Qa(16)));
        Assert.NotEmpty(during);
        Assert.All(during, n => Assert.Equal(1, n));
        Assert.Equal(Outside, torch.get_num_threads());
    }

    /// <summary>Sets TorchSharp's count for a test and puts the one before back.</summary>
    private sealed class OutsideCount : IDisposable
    {
        private readonly int _before;

        public OutsideCount(int threads)
        {
            TorchRuntime.EnsureLoaded();
            _before = torch.get_num_threads();
            torch.set_num_threads(threads);
        }

        public void Dispose() => torch.set_num_threads(_before);
    }
}

using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetContextual.Tests.FineTuning;

namespace MLNetContextual.Tests.Elmo;

[Collection(TorchTrainingCollection.Name)]
public class LearnElmoTests
{
    internal static readonly ElmoSeamTests.TextRow[] Corpus = Enumerable.Range(0, 40).Select(i => new ElmoSeamTests.TextRow
    {
        Text = (i % 4) switch
        {
            0 => "the cat sat on the mat .",
            1 => "the dog sat on the rug .",
            2 => "a cat and a dog ran to the mat .",
            _ => "the rug and the mat are red .",
        },
    }).ToArray();

    internal static LearnElmoOptions Options(int epochs = 2, int sampled = 0) => new()
    {
        InputColumnName = "Text", OutputColumnName = "Features", Model = TinyElmo.Config(), Epochs = epochs, BatchSize = 4,
        UnrollSteps = 5, LearningRate = 0.2, MinCount = 1, SampledSoftmaxSize = sampled, NumberOfThreads = 1, Dropout = 0,
    };

    [Fact]
    public void LearnElmo_ValidationPerplexityFalls_ReportedPerEpoch()
    {
        var ml = new MLContext(seed: 1);
        var options = Options(epochs: 3);
        options.ValidationSet = ml.Data.LoadFromEnumerable(Corpus.Take(8));
        var reports = new List<ElmoTrainingProgress>();
        options.Progress = new SyncProgress<ElmoTrainingProgress>(reports.Add);
        var estimator = ml.Transforms.Text.LearnElmo(options);
        using var model = estimator.Fit(ml.Data.LoadFromEnumerable(Corpus));
        var epochs = estimator.LastTrainingEpochs;
        Assert.Equal(3, epochs.Count);
        Assert.All(epochs, e => Assert.NotNull(e.ValidationPerplexity));
        Assert.True(epochs[^1].ValidationPerplexity < epochs[0].ValidationPerplexity * 0.8 && epochs[^1].ValidationPerplexity < 8,
            $"validation perplexity {string.Join(" → ", epochs.Select(e => e.ValidationPerplexity?.ToString("F2")))} should fall well below uniform (16)");
        Assert.Equal(3, reports.Count(r => r.EpochDone));
        Assert.All(epochs, e => Assert.True(e.TokensPerSecond > 0));
        var encoder = Assert.IsType<ElmoEncoder>(model.Encoder);
        Assert.Equal(16, encoder.Dimension);
    }

    [Fact]
    public void LearnElmo_FitSaveLoad_SameEmbeddings()
    {
        var ml = new MLContext(seed: 1);
        var (model, path) = EstimatorChecks.RoundTrip<ElmoSeamTests.TextRow, ElmoSeamTests.FeaturesRow>(
            ml.Transforms.Text.LearnElmo(Options(epochs: 1)), Corpus.Take(12).ToList(), ml: ml);
        File.Delete(path);
        ((IDisposable)model).Dispose();
    }

    [Fact]
    public void LearnElmo_SampledSoftmax_Trains_AndPublishedSaveReloads()
    {
        var ml = new MLContext(seed: 1);
        var options = Options(epochs: 1, sampled: 5);
        options.ValidationSet = ml.Data.LoadFromEnumerable(Corpus.Take(4));
        var estimator = ml.Transforms.Text.LearnElmo(options);
        var model = estimator.Fit(ml.Data.LoadFromEnumerable(Corpus));
        Assert.True(double.IsFinite(estimator.LastTrainingEpochs[0].ValidationPerplexity.Value));
        var encoder = (ElmoEncoder)model.Encoder;
        using var folder = new TempFolder();
        encoder.SavePublished(folder.Path);
        var again = ElmoEncoder.FromFiles(folder.File("options.json"), folder.File("lm_weights.hdf5"));
        using var a = encoder.CreateRunner();
        using var b = again.CreateRunner();
        var x = a.Run([["the", "cat"]]);
        var y = b.Run([["the", "cat"]]);
        Assert.Equal(x[0], y[0]);
    }

    [Fact]
    public void Threads_AreRestoredAfterFit()
    {
        MLNetContextual.Torch.TorchRuntime.EnsureLoaded();
        int before = TorchSharp.torch.get_num_threads();
        var ml = new MLContext(seed: 1);
        var options = Options(epochs: 1);
        options.NumberOfThreads = before == 1 ? 2 : 1;
        ml.Transforms.Text.LearnElmo(options).Fit(ml.Data.LoadFromEnumerable(Corpus));
        Assert.Equal(before, TorchSharp.torch.get_num_threads());
    }

    [Fact]
    public void Cancellation_MidEpoch_Throws_AndReturnsNothing()
    {
        var ml = new MLContext(seed: 1);
        using var cts = new CancellationTokenSource();
        var options = Options(epochs: 5);
        options.ProgressInterval = 1;
        options.CancellationToken = cts.Token;
        int seen = 0;
        options.Progress = new SyncProgress<ElmoTrainingProgress>(p =>
        {
            if (++seen == 2)
                cts.Cancel();
        });
        var estimator = ml.Transforms.Text.LearnElmo(options);
        Assert.ThrowsAny<OperationCanceledException>(() => estimator.Fit(ml.Data.LoadFromEnumerable(Corpus)));
        Assert.Empty(estimator.LastTrainingEpochs);
        Assert.Equal(2, seen);
    }

    [Fact]
    public void EmptyText_FailsNamingTheColumn()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new ElmoSeamTests.TextRow { Text = "" }, new ElmoSeamTests.TextRow { Text = "   " } });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Text.LearnElmo(Options()).Fit(data));
        Assert.Contains("'Text'", e.Message);
    }

    [Fact]
    public void WrongColumnType_FailsInSchemaAndFit()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new { Text = 1f } });
        var estimator = ml.Transforms.Text.LearnElmo(Options());
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(SchemaShapes.From(data.Schema)));
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => estimator.Fit(data));
    }

    /// <summary>IProgress that reports on the calling thread (Progress&lt;T&gt; posts to the thread pool).</summary>
    internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}

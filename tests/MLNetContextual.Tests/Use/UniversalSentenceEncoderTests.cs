using Microsoft.Extensions.AI;
using Microsoft.ML;
using MLNetContextual.Tests.FineTuning;
using static MLNetContextual.Tests.Use.UseToyData;

namespace MLNetContextual.Tests.Use;

[Collection(TorchTrainingCollection.Name)]
public class UniversalSentenceEncoderTests
{
    [Theory]
    [InlineData(UseArchitecture.Dan)]
    [InlineData(UseArchitecture.Transformer)]
    public void FitTransformSaveLoad(UseArchitecture architecture)
    {
        var ml = new MLContext(seed: 1);
        var estimator = ml.Transforms.Text.LearnUniversalSentenceEncoder("Features", "Text", Options(ml, architecture));
        var numbers = ml.Data.LoadFromEnumerable(new[] { new NumberRow { Text = 1 } });
        var (model, zip) = EstimatorChecks.RoundTrip<TextRow, FeaturesRow>(estimator, Texts(), invalidData: numbers, ml: ml);
        File.Delete(zip);
        var use = (UniversalSentenceEncoderTransformer)model;
        Assert.Equal(16, use.Dimension);
        Assert.Equal(architecture == UseArchitecture.Dan ? "use-dan" : "use-transformer", use.Encoder.Kind);
        Assert.Equal(2, use.History.Count);
        Assert.Equal(2, use.BestEpoch);
        var vectors = use.Embed(["", "the cat sleeps on the mat"]);
        Assert.All(vectors, v => Assert.All(v, x => Assert.True(float.IsFinite(x))));
        Assert.NotEqual(vectors[0], vectors[1]);
        use.Dispose();
    }

    [Theory]
    [InlineData(UseArchitecture.Dan)]
    [InlineData(UseArchitecture.Transformer)]
    public async Task ApplyContextualEmbeddingAndGenerator_GiveTheFittedVectors(UseArchitecture architecture)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Texts());
        using var use = ml.Transforms.Text.LearnUniversalSentenceEncoder("Features", "Text", Options(ml, architecture)).Fit(data);
        var expected = ml.Data.CreateEnumerable<FeaturesRow>(use.Transform(data), false).Select(r => r.Features).ToList();

        var options = new ContextualEmbeddingOptions { Encoder = use.Encoder, MaxTokens = 32 };
        using var applied = ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text", options).Fit(data);
        Assert.Equal(ContextualPooling.Encoder, applied.Pooling);
        var actual = ml.Data.CreateEnumerable<FeaturesRow>(applied.Transform(data), false).Select(r => r.Features).ToList();
        using var generator = new ContextualEmbeddingGenerator(options);
        var generated = await generator.GenerateAsync(Texts().Select(t => t.Text));
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i], actual[i]);
            Assert.Equal(expected[i], generated[i].Vector.ToArray());
        }
    }

    [Fact]
    public void Transformer_IsAlsoATokenEncoder()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Texts());
        using var use = ml.Transforms.Text.LearnUniversalSentenceEncoder("Features", "Text", Options(ml, UseArchitecture.Transformer, distill: false)).Fit(data);
        Assert.True(use.Encoder.Has(EncoderCapabilities.TokenVectors | EncoderCapabilities.SentenceVectors));
        // Mean pooling of its token vectors, through the same seam.
        using var pooled = ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text",
            new ContextualEmbeddingOptions { Encoder = use.Encoder, MaxTokens = 32, Pooling = ContextualPooling.Mean }).Fit(data);
        var rows = ml.Data.CreateEnumerable<FeaturesRow>(pooled.Transform(data), false).ToList();
        var sums = use.Embed(Texts().Select(t => t.Text).ToList());
        // Sum / √n and mean (sum / n) point the same way.
        for (int i = 0; i < rows.Count; i++)
            Assert.True(UseSimilarity.Cosine(rows[i].Features, sums[i]) > 0.9999, $"row {i}");
    }

    [Fact]
    public void ManagedDan_MatchesTheTorchModule()
    {
        var tokenizer = new UseTokenizer(["the", "cat", "sat"], lowerCase: true, oovBuckets: 4, bigramBuckets: 16);
        MLNetContextual.Torch.TorchRuntime.EnsureLoaded();
        TorchSharp.torch.random.manual_seed(3);
        using var dan = new UseDanTrainable(tokenizer, 8, [12, 12, 6], maxWords: 64, wordDropout: 0);
        dan.Module.eval();
        string[] texts = ["The cat sat.", "", "cat", "an unknown word, then the cat"];
        float[] torchOut;
        using (TorchSharp.torch.no_grad())
            torchOut = dan.Embed(texts, new Random(0), training: false).data<float>().ToArray();
        var encoder = dan.ToEncoder("test");
        using var session = (ISentenceEncoder)encoder.Open(new EncoderOptions { Encoder = encoder });
        var managed = new float[texts.Length][];
        session.EmbedSentences(texts, managed);
        for (int i = 0; i < texts.Length; i++)
            for (int k = 0; k < 6; k++)
                Assert.True(Math.Abs(torchOut[i * 6 + k] - managed[i][k]) < 1e-5, $"text {i} [{k}]: {torchOut[i * 6 + k]} vs {managed[i][k]}");
    }

    [Fact]
    public void Validation_SpearmanPerEpoch_BestEpochKept_ProgressAndThreads()
    {
        var ml = new MLContext(seed: 1);
        var options = Options(ml, UseArchitecture.Dan);
        options.Epochs = 4;
        options.Validation = new UseValidationPairs(ml.Data.LoadFromEnumerable(Sts()));
        var reports = new List<UseTrainingProgress>();
        options.Progress = new SyncProgress(reports);
        MLNetContextual.Torch.TorchRuntime.EnsureLoaded();
        int threads = TorchSharp.torch.get_num_threads();
        using var use = ml.Transforms.Text.LearnUniversalSentenceEncoder("Features", "Text", options).Fit(ml.Data.LoadFromEnumerable(Texts()));
        Assert.Equal(threads, TorchSharp.torch.get_num_threads());
        Assert.Equal(4, use.History.Count);
        Assert.All(use.History, h => Assert.NotNull(h.ValidationSpearman));
        double best = use.History.Max(h => h.ValidationSpearman.Value);
        Assert.Equal(best, use.History[use.BestEpoch - 1].ValidationSpearman);
        Assert.Equal(4, reports.Count(r => r.ValidationSpearman != null));
        Assert.Contains(reports, r => r.TaskLosses.ContainsKey("nli"));
        Assert.True(use.History[^1].Loss < use.History[0].Loss, $"loss {use.History[0].Loss} → {use.History[^1].Loss}");
        // The kept epoch's vectors give that Spearman on the validation pairs.
        var pairs = Sts();
        var u = use.Embed(pairs.Select(p => p.Sentence1).ToList());
        var v = use.Embed(pairs.Select(p => p.Sentence2).ToList());
        var cos = pairs.Select((_, i) => UseSimilarity.Cosine(u[i], v[i])).ToArray();
        Assert.Equal(best, UseValidation.Spearman(cos, pairs.Select(p => (double)p.Score).ToArray()), 4);
    }

    [Fact]
    public void AngularSimilarity()
    {
        Assert.Equal(1, UseSimilarity.Angular([1f, 2f], [2f, 4f]), 6);
        Assert.Equal(0.5, UseSimilarity.Angular([1f, 0f], [0f, 3f]), 6);
        Assert.Equal(0, UseSimilarity.Angular([1f, 1f], [-1f, -1f]), 6);
        Assert.Equal(0, UseSimilarity.Cosine([0f, 0f], [1f, 1f]));
        Assert.Throws<ArgumentException>(() => UseSimilarity.Angular([1f], [1f, 2f]));
    }

    [Fact]
    public void Tokenizer_WordsPunctuationOffsetsAndHashing()
    {
        var tokenizer = new UseTokenizer(["the", "cat"], lowerCase: true, oovBuckets: 4, bigramBuckets: 8);
        var tokens = tokenizer.Split("The  cat, zebra!");
        Assert.Equal(["the", "cat", ",", "zebra", "!"], tokens.Select(t => t.Text));
        Assert.Equal([0, 5, 8, 10, 15], tokens.Select(t => t.Start));
        Assert.Equal(2, tokens[0].Id);
        Assert.InRange(tokens[3].Id, 4, 7);   // an OOV bucket
        var encoded = tokenizer.Encode("The cat", null, maxTokens: 2);
        Assert.Equal([UseTokenizer.StartToken, 2], encoded.Ids);
        Assert.Equal(1, encoded.TruncatedPieces);
        var ids = new List<int>();
        tokenizer.Bag("the cat", 64, ids, []);
        Assert.Equal(3, ids.Count);   // two words and one bigram
        Assert.InRange(ids[2], tokenizer.FirstBigram, tokenizer.FirstBigram + 7);
    }

    private sealed class SyncProgress(List<UseTrainingProgress> reports) : IProgress<UseTrainingProgress>
    {
        public void Report(UseTrainingProgress value) => reports.Add(value);
    }
}

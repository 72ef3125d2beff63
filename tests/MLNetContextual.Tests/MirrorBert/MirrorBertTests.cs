using Microsoft.ML;
using MLNetContextual.Tests.FineTuning;
using static MLNetContextual.Tests.MirrorBert.MirrorBertToyData;
using static TorchSharp.torch;

namespace MLNetContextual.Tests.MirrorBert;

[Collection(TorchTrainingCollection.Name)]
public class MirrorBertTests
{
    [Fact]
    public void Masking_ReplacesOneFiveCharacterSpan_OnlyInStringsOf30OrMore_SameSeedSameMasks()
    {
        string shortText = new('a', 29), longText = "the quick brown fox jumps over the lazy dog";
        Assert.Same(shortText, MirrorBertMasking.Mask(shortText, new Random(1), 5, 30));
        Assert.False(MirrorBertMasking.Masks(shortText, 5, 30));
        Assert.True(MirrorBertMasking.Masks(new string('a', 30), 5, 30));
        Assert.Same(longText, MirrorBertMasking.Mask(longText, new Random(1), 0, 30));   // span 0: off

        var rng = new Random(7);
        var seen = new HashSet<int>();
        for (int trial = 0; trial < 200; trial++)
        {
            string masked = MirrorBertMasking.Mask(longText, rng, 5, 30);
            int at = masked.IndexOf(" [MASK] ", StringComparison.Ordinal);
            Assert.True(at >= 0, masked);
            // left + " [MASK] " + right, where left + 5 removed chars + right is the original.
            string left = masked[..at], right = masked[(at + 8)..];
            Assert.Equal(longText.Length - 5, left.Length + right.Length);
            Assert.StartsWith(left, longText);
            Assert.EndsWith(right, longText);
            Assert.InRange(at, 0, longText.Length - 6);
            seen.Add(at);
        }
        Assert.True(seen.Count > 20, $"the span start should be spread over the string; saw {seen.Count} starts");

        var r1 = new Random(11);
        var r2 = new Random(11);
        var r3 = new Random(12);
        var first = Sentences.Select(s => MirrorBertMasking.Mask(s, r1, 5, 30)).ToList();
        var again = Sentences.Select(s => MirrorBertMasking.Mask(s, r2, 5, 30)).ToList();
        var other = Sentences.Select(s => MirrorBertMasking.Mask(s, r3, 5, 30)).ToList();
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.Equal(Sentences.Where(s => s.Length < 30), first.Where(s => !s.Contains("[MASK]")));
    }

    [Theory]
    [InlineData(0.04)]
    [InlineData(0.2)]
    [InlineData(1.0)]
    public void InfoNce_EqualsAPlainLoopOverTheFormula(double temperature)
    {
        const int b = 3, h = 4;
        var rng = new Random(5);
        var v = Enumerable.Range(0, 2 * b).Select(_ => Enumerable.Range(0, h).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray()).ToArray();
        // The twin of view i is i ± B; its denominator holds every view but itself.
        static double Cos(float[] x, float[] y)
        {
            double dot = 0, nx = 0, ny = 0;
            for (int k = 0; k < x.Length; k++) { dot += x[k] * y[k]; nx += x[k] * x[k]; ny += y[k] * y[k]; }
            return dot / Math.Sqrt(nx) / Math.Sqrt(ny);
        }
        double expected = 0;
        for (int i = 0; i < 2 * b; i++)
        {
            int twin = i < b ? i + b : i - b;
            double denominator = 0;
            for (int k = 0; k < 2 * b; k++)
                if (k != i)
                    denominator += Math.Exp(Cos(v[i], v[k]) / temperature);
            expected += -Math.Log(Math.Exp(Cos(v[i], v[twin]) / temperature) / denominator);
        }
        expected /= 2 * b;

        MLNetContextual.Torch.TorchRuntime.EnsureLoaded();
        using var views = tensor(v.SelectMany(x => x).ToArray(), [2 * b, h]);
        using var loss = MirrorBertLoss.InfoNce(views, temperature);
        Assert.Equal(expected, loss.item<float>(), 1e-4 * Math.Max(1, Math.Abs(expected)));

        // Identical twins far from the other views: the loss tends to 0.
        using var separated = tensor(new float[] { 1, 0, 0, 1, 1, 0, 0, 1 }, [4, 2]);
        using var small = MirrorBertLoss.InfoNce(separated, 0.04);
        Assert.True(small.item<float>() < 1e-5, $"loss {small.item<float>()}");
    }

    [Fact]
    public void LossDecreases_OnAToySet()
    {
        var ml = new MLContext(seed: 1);
        var options = Options();
        options.Epochs = 12;
        options.Temperature = 0.2;
        var model = ml.Transforms.Text.LearnMirrorBert("Features", "Text", options).Fit(ml.Data.LoadFromEnumerable(Rows()));
        using var _ = model;
        var losses = model.Summary.StepLosses;
        Assert.Equal(24, losses.Count);   // 16 strings, batch 8: 2 steps per epoch
        double start = losses.Take(4).Average(), end = losses.TakeLast(4).Average();
        Assert.True(end < 0.7 * start, $"loss should fall: first steps {start:F4}, last steps {end:F4} ({string.Join(", ", losses.Select(l => l.ToString("F3")))})");
        Assert.Equal(Sentences.Length, model.Summary.Rows);
        Assert.Equal(Sentences.Count(s => s.Length >= 30), model.Summary.MaskedRows);
        Assert.Equal(32, model.Dimension);
    }

    [Fact]
    public void SameSeed_SameEncoder()
    {
        float[][] Fit()
        {
            var ml = new MLContext(seed: 1);
            using var model = ml.Transforms.Text.LearnMirrorBert("Features", "Text", Options()).Fit(ml.Data.LoadFromEnumerable(Rows()));
            return model.Embed(Sentences.Take(3).ToList());
        }
        var a = Fit();
        var b = Fit();
        for (int i = 0; i < a.Length; i++)
            Assert.Equal(a[i], b[i]);
    }

    [Fact]
    public void FitTransformSaveLoad_PredictionEngine_SkipsEmptyTexts()
    {
        var rows = Rows(Sentences.Concat([null, "", "   "]));
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => { lock (messages) messages.Add(e.Message); };
        var invalid = ml.Data.LoadFromEnumerable(new[] { new NumberRow { Text = 1 } });
        var (model, zip) = EstimatorChecks.RoundTrip<TextRow, VectorRow>(ml.Transforms.Text.LearnMirrorBert("Features", "Text", Options()),
            rows, invalid, predictionTolerance: 1e-5f, ml);
        var mirror = Assert.IsType<MirrorBertTransformer>(model);
        Assert.Equal(3, mirror.Summary.SkippedRows);
        Assert.Equal(Sentences.Length, mirror.Summary.Rows);
        Assert.Equal("written from the configuration", mirror.Summary.OnnxGraph);
        lock (messages)
            Assert.Contains(messages, m => m.Contains("Mirror-BERT: 3 of 19 rows have null, empty or white-space text in column 'Text'; they are not trained on.", StringComparison.Ordinal));

        var loaded = (MirrorBertTransformer)new MLContext().Model.Load(zip, out _);
        Assert.Equal(mirror.Summary.StepLosses, loaded.Summary.StepLosses);
        Assert.Equal(ContextualPooling.Mean, loaded.Pooling);
        Assert.Equal(BertOnnxEncoder.KindId, loaded.Encoder.Kind);
        File.Delete(zip);
    }

    [Fact]
    public void OnnxEncoder_GivesTheTorchSharpModelsVectors_EveryStartingPoint()
    {
        // Path 1: an untrained BERT, its graph written from the configuration. Path 2: a BERT imported from an ONNX file,
        // the trained weights written back into that graph. Path 3 below.
        var bert = Bert();
        using var folder = new TempFolder();
        string onnxPath = folder.File("tiny.onnx"), vocabPath = folder.File("vocab.txt");
        File.WriteAllBytes(vocabPath, bert.ReadVocabulary());
        MLNetContextual.Torch.TorchRuntime.EnsureLoaded();
        random.manual_seed(9);
        using (var source = bert.CreateModel().Model)
            File.WriteAllBytes(onnxPath, BertOnnxWriter.Write(source.Config, FineTunedGraphs.StateDict(source)).Model.ToBytes());
        var fromOnnx = BertCheckpoint.FromOnnx(ContextualEncoder.FromOnnx(onnxPath, vocabPath, lowerCase: true, maxPositions: 64));
        // Path 3: a Hugging Face folder (config.json + weights + vocab.txt), written from the configuration too.
        string hfFolder = folder.File("hf");
        Directory.CreateDirectory(hfFolder);
        using (var source = bert.CreateModel().Model)
            BertWeights.SaveHuggingFace(source, hfFolder);
        File.WriteAllBytes(Path.Combine(hfFolder, "vocab.txt"), bert.ReadVocabulary());
        var fromHuggingFace = BertCheckpoint.FromHuggingFace(hfFolder, lowerCase: true);

        var probe = new[] { "the cat sat on the mat", "a storm is coming over the old train station", "", "zzz qqq" };
        foreach (var (start, how) in new[] { (bert, "written from the configuration"), (fromOnnx, "the source graph with fine-tuned weights"),
                     (fromHuggingFace, "written from the configuration") })
        {
            foreach (var pooling in new[] { ContextualPooling.Mean, ContextualPooling.Cls })
            {
                var options = Options(start);
                options.Pooling = pooling;
                var trainer = new MirrorBertTrainer(options, 3, null);
                using var threads = MLNetContextual.Torch.TorchThreads.Use(1);
                using var model = trainer.Train(start, Sentences);
                var (encoder, written) = MirrorBertGraph.Write(start, model);
                Assert.Equal(how, written);

                var tokenizer = start.CreateTokenizer();
                float[] torchVectors;
                using (no_grad())
                using (var v = MirrorBertTrainer.Embed(model, probe.Select(t => tokenizer.Encode(t, null, 64)).ToArray(), pooling, tokenizer.PadId))
                    torchVectors = v.data<float>().ToArray();

                var ml = new MLContext(seed: 1);
                var data = ml.Data.LoadFromEnumerable(Rows(probe));
                using var apply = (IDisposable)ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text",
                    new ContextualEmbeddingOptions { Encoder = encoder, Pooling = pooling, MaxTokens = 64 }).Fit(data);
                var onnx = ml.Data.CreateEnumerable<VectorRow>(((ITransformer)apply).Transform(data), false).SelectMany(r => r.Features).ToArray();
                Assert.Equal(torchVectors.Length, onnx.Length);
                double max = torchVectors.Zip(onnx, (x, y) => Math.Abs(x - y)).Max();
                Assert.True(max <= 1e-4, $"{how}, {pooling}: ONNX Runtime vs TorchSharp max |Δ| {max:E2}");
            }
        }
    }

    [Fact]
    public void TrainedEncoder_WorksWithEveryTransformAndTheGenerator()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows());
        using var model = ml.Transforms.Text.LearnMirrorBert("Features", "Text", Options()).Fit(data);
        var encoder = model.Encoder;
        Assert.True(encoder.Has(EncoderCapabilities.TokenVectors));

        // The same vectors through ApplyContextualEmbedding with the transformer's pooling.
        var applied = ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text",
            new ContextualEmbeddingOptions { Encoder = encoder, Pooling = model.Pooling, MaxTokens = 64 }).Fit(data);
        var a = ml.Data.CreateEnumerable<VectorRow>(applied.Transform(data), false).ToList();
        var b = ml.Data.CreateEnumerable<VectorRow>(model.Transform(data), false).ToList();
        for (int i = 0; i < a.Count; i++)
            Assert.Equal(b[i].Features, a[i].Features);

        var tokens = ml.Transforms.Text.ApplyContextualTokenEmbedding("Tokens", "Text", new ContextualTokenEmbeddingOptions { Encoder = encoder, MaxTokens = 64 })
            .Fit(data).Transform(data);
        Assert.NotNull(tokens.Schema.GetColumnOrNull("TokensTokens"));
        var words = ml.Data.LoadFromEnumerable(new[] { new WordRow { Text = "the cat sat on the mat", Start = 4, Length = 3 } });
        var word = ml.Transforms.Text.ApplyContextualWordEmbedding("Word", "Text", options: new ContextualWordEmbeddingOptions { Encoder = encoder, MaxTokens = 64 })
            .Fit(words).Transform(words);
        Assert.Equal(32, ((Microsoft.ML.Data.VectorDataViewType)word.Schema["Word"].Type).Size);
        using var generator = new ContextualEmbeddingGenerator(new ContextualEmbeddingOptions { Encoder = encoder, Pooling = model.Pooling, MaxTokens = 64 });
        var generated = generator.GenerateAsync(["the cat sat on the mat"]).GetAwaiter().GetResult();
        Assert.Equal(b[0].Features, generated[0].Vector.ToArray());
        (applied as IDisposable)?.Dispose();
    }

    public sealed class WordRow
    {
        public string Text { get; set; }
        public int Start { get; set; }
        public int Length { get; set; }
    }

    [Fact]
    public void SavedModel_PredictsInAProcessThatNeverLoadsLibtorch()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows());
        using var model = ml.Transforms.Text.LearnMirrorBert("Features", "Text", Options()).Fit(data);
        using var dir = new TempFolder();
        ml.Model.Save(model, data.Schema, dir.File("model.zip"));
        var texts = Sentences.Take(4).Append("").ToArray();
        var expected = model.Embed(texts);
        var actual = FreshProcess.Transform(dir.File("model.zip"), texts, "Features", out var libraries);
        for (int i = 0; i < texts.Length; i++)
            EstimatorChecks.AssertSame(new VectorRow { Features = expected[i] }, new VectorRow { Features = actual[i] }, 1e-6f, $"row {i} in a fresh process");
        Assert.Contains(libraries, l => l.Contains("onnxruntime", StringComparison.Ordinal));
        FreshProcess.AssertNoLibTorch(libraries);
    }

    [Fact]
    public void MiniLM_TrainsIntoItsOwnGraph()
    {
        // The one MiniLM test: two steps on 8 short strings; the trained weights go back into the embedded model's graph.
        var ml = new MLContext(seed: 1);
        var options = new MirrorBertOptions { BatchSize = 4, MaxTokens = 16, Seed = 1, NumberOfThreads = 2, MaxRows = 8 };
        using var model = ml.Transforms.Text.LearnMirrorBert("Features", "Text", options).Fit(ml.Data.LoadFromEnumerable(Rows()));
        Assert.Equal("the source graph with fine-tuned weights", model.Summary.OnnxGraph);
        Assert.Equal(2, model.Summary.StepLosses.Count);
        Assert.Equal(384, model.Dimension);
        var trained = model.Embed(["the cat sat on the mat"])[0];
        using var original = (IDisposable)ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text")
            .Fit(ml.Data.LoadFromEnumerable(Rows()));
        var before = ((ContextualEmbeddingTransformer)original).Transform(ml.Data.LoadFromEnumerable(Rows(["the cat sat on the mat"])));
        var beforeVector = ml.Data.CreateEnumerable<VectorRow>(before, false).Single().Features;
        double cos = System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(trained, beforeVector);
        Assert.InRange(cos, 0.9, 0.999999);   // moved by training, still close after two steps at lr 2e-5
    }
}

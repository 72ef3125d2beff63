using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using MLNetContextual.Onnx;
using MLNetContextual.Tests.Seam;
using MLNetContextual.Torch.Import;

namespace MLNetContextual.Tests.FineTuning;

/// <summary>Fine-tuned models predict on ONNX Runtime: the graph they write (BERT written from its configuration, or the
/// source graph with the fine-tuned weights) gives TorchSharp's scores, saves, reloads, exports, and predicts in a process
/// that never loads libtorch.</summary>
[Collection(TorchTrainingCollection.Name)]
public class OnnxPredictionTests
{
    private const float Tolerance = 1e-4f;

    private static readonly string[] Probe =
        ["the film was great", "a terrible story", "", "what a lovely day it felt to me", "boring acting and music", "unknownword xyz"];

    internal static float[][] Scores(ContextualTextClassificationTransformer model, IReadOnlyList<string> texts, bool torch)
    {
        var outputs = new float[texts.Count][];
        model.Predict(texts.Select(t => (t, (string)null)).ToArray(), outputs, torch);
        return outputs;
    }

    private static void AssertClose(float[][] expected, float[][] actual, float tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Length, actual[i].Length);
            for (int k = 0; k < expected[i].Length; k++)
                Assert.True(Math.Abs(expected[i][k] - actual[i][k]) <= tolerance, $"{what}: row {i}[{k}] {expected[i][k]} vs {actual[i][k]}");
        }
    }

    private static void AssertOrtMatchesTorch(ContextualTextClassificationTransformer model, IReadOnlyList<string> texts)
    {
        Assert.True(model.PredictsWithOnnxRuntime);
        var onnx = Scores(model, texts, torch: false);
        var torch = Scores(model, texts, torch: true);
        AssertClose(torch, onnx, Tolerance, "ONNX Runtime vs TorchSharp");
        Assert.Equal(torch.Select(model.PredictedClass), onnx.Select(model.PredictedClass));
    }

    [Theory]
    [InlineData("gelu")]
    [InlineData("gelu_new")]
    [InlineData("relu")]
    public void WrittenBertGraph_ImportsBackToTheSameWeights_AndRunsAsTorchSharp(string activation)
    {
        var vocabulary = TinyBert.Vocabulary(ToyData.AllText());
        var config = TinyBert.Config(vocabulary.Count, 40) with { HiddenAct = activation };
        using var model = new BertModel(config);
        model.eval();
        var weights = FineTunedGraphs.StateDict(model);
        var (graph, states) = BertOnnxWriter.Write(config, weights);
        byte[] bytes = graph.ToBytes();
        Assert.Equal(config.NumHiddenLayers + 1, states.Length);
        Assert.Equal(states, OnnxHiddenStates.FindNames(bytes));

        var (readConfig, readWeights) = OnnxBertImporter.Import(OnnxGraph.Parse(bytes));
        Assert.Equal(config with { HiddenAct = readConfig.HiddenAct, LayerNormEps = readConfig.LayerNormEps }, readConfig);
        Assert.Equal(config.LayerNormEps, readConfig.LayerNormEps, 1e-18);   // written as float
        Assert.Equal(activation == "gelu_new" ? "gelu_new" : activation, readConfig.HiddenAct);
        Assert.Equal(weights.Keys.Order(), readWeights.Keys.Order());
        foreach (var (key, w) in weights)
            Assert.True(w.Data.AsSpan().SequenceEqual(readWeights[key].Data) && w.Shape.SequenceEqual(readWeights[key].Shape), key);

        // Two rows of different lengths: padding is masked in both runtimes.
        long[] ids = [2, 7, 8, 9, 3, 2, 10, 3, 0, 0], mask = [1, 1, 1, 1, 1, 1, 1, 1, 0, 0];
        float[] expected;
        using (TorchSharp.torch.no_grad())
        {
            var (last, _) = model.forward(TorchSharp.torch.tensor(ids, [2, 5]), TorchSharp.torch.tensor(mask, [2, 5]), TorchSharp.torch.zeros([2, 5], TorchSharp.torch.int64));
            expected = last.data<float>().ToArray();
        }
        using var session = new InferenceSession(bytes);
        using var idValue = OrtValue.CreateTensorValueFromMemory(ids, [2, 5]);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, [2, 5]);
        using var typeValue = OrtValue.CreateTensorValueFromMemory(new long[10], [2, 5]);
        using var results = session.Run(new RunOptions(), ["input_ids", "attention_mask", "token_type_ids"], [idValue, maskValue, typeValue], ["last_hidden_state"]);
        var actual = results[0].GetTensorDataAsSpan<float>().ToArray();
        for (int i = 0; i < expected.Length; i++)
            if (mask[i / config.HiddenSize] == 1)
                Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance, $"value {i}: {expected[i]} vs {actual[i]}");
    }

    [Fact]
    public void MiniLM_WeightsWrittenBackIntoItsGraph_RestoreEveryInitializer()
    {
        byte[] original = BertOnnxEncoder.MiniLM.Model.ReadAll();
        var (config, weights) = OnnxBertImporter.Import(OnnxGraph.Parse(original));
        var notes = new List<string>();
        var written = TaskGraph.Encoder(original, config, weights, notes.Add);
        Assert.True(written.How == "the source graph with fine-tuned weights", string.Join("; ", notes));
        Assert.Equal("last_hidden_state", written.LastHiddenState);
        var before = OnnxModel.Parse(original).Graph.Initializer.ToDictionary(t => t.Name);
        var after = written.Model.Graph.Initializer.ToDictionary(t => t.Name);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        int compared = 0;
        foreach (var (name, t) in before)
        {
            if (t.DataType != 1)
                continue;
            Assert.Equal(OnnxTensors.ToFloats(t), OnnxTensors.ToFloats(after[name]));
            compared++;
        }
        Assert.True(compared > 100, $"{compared} float initializers");
    }

    [Theory]
    [InlineData(false, false)]   // BERT's pooler
    [InlineData(true, false)]    // mean of the last layer
    [InlineData(false, true)]    // frozen encoder, learned scalar mix of every layer
    public void Binary_OnnxRuntimeScores_EqualTorchSharps(bool meanPooling, bool scalarMix)
    {
        var ml = new MLContext(seed: 1);
        var options = TextClassificationTests.Options(epochs: 3);
        options.MeanPooling = meanPooling;
        options.LearnScalarMix = options.FreezeEncoder = scalarMix;
        using var model = ml.BinaryClassification.Trainers.ContextualTextClassification(options).Fit(ml.Data.LoadFromEnumerable(ToyData.Sentiment()));
        AssertOrtMatchesTorch(model, Probe);
        if (scalarMix)
            Assert.NotNull(model.LayerMix);
    }

    [Fact]
    public void Multiclass_OnnxRuntimeProbabilities_EqualTorchSharps_AndReloadPredictsTheSame()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(ToyData.Topic());
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
        using var model = ml.MulticlassClassification.Trainers.ContextualTextClassification(TextClassificationTests.Options(epochs: 3)).Fit(keyed);
        string[] texts = ["we talked about pizza", "rain all day long", "news on tennis", ""];
        AssertOrtMatchesTorch(model, texts);

        using var dir = new TempFolder();
        ml.Model.Save(model, keyed.Schema, dir.File("model.zip"));
        using var loaded = (ContextualTextClassificationTransformer)new MLContext().Model.Load(dir.File("model.zip"), out _);
        Assert.True(loaded.PredictsWithOnnxRuntime);
        AssertClose(Scores(model, texts, torch: false), Scores(loaded, texts, torch: false), 0f, "reloaded");
        // The loaded graph rebuilds a TorchSharp model (encoder imported from the graph, head read back): the same scores.
        AssertClose(Scores(model, texts, torch: true), Scores(loaded, texts, torch: true), Tolerance, "TorchSharp rebuilt from the graph");
        Assert.Equal(model.ClassNames, loaded.ClassNames);
    }

    /// <summary>A tiny BERT as an ONNX export folder (model.onnx + vocab.txt), as ContextualEncoder.FromOnnx reads it.</summary>
    private static BertOnnxEncoder TinyOnnxExport(TempFolder dir)
    {
        var vocabulary = TinyBert.Vocabulary(ToyData.AllText());
        var config = TinyBert.Config(vocabulary.Count, 40);
        using var model = new BertModel(config);
        File.WriteAllBytes(dir.File("model.onnx"), BertOnnxWriter.Write(config, FineTunedGraphs.StateDict(model)).Model.ToBytes());
        File.WriteAllLines(dir.File("vocab.txt"), vocabulary);
        return ContextualEncoder.FromOnnx(dir.File("model.onnx"));
    }

    public sealed class BinaryOutput
    {
        public float Score { get; set; }
        public float Probability { get; set; }
        public bool PredictedLabel { get; set; }
    }

    [Fact]
    public void FineTunedFromAnOnnxExport_WritesIntoTheSourceGraph_RoundTrips_AndExports()
    {
        using var dir = new TempFolder();
        var ml = new MLContext(seed: 1);
        var log = new List<string>();
        ml.Log += (_, e) => { if (e.Source.Contains("ContextualTextClassification")) lock (log) log.Add(e.Message); };
        var options = TextClassificationTests.Options(epochs: 3);
        options.Encoder = BertCheckpoint.FromOnnx(TinyOnnxExport(dir));
        var trainer = ml.BinaryClassification.Trainers.ContextualTextClassification(options);
        var (fitted, path) = EstimatorChecks.RoundTrip<ToyData.SentimentRow, BinaryOutput>(trainer, ToyData.Sentiment(), ml: ml);
        using var model = (ContextualTextClassificationTransformer)fitted;
        try
        {
            Assert.Contains(log, m => m.Contains("the source graph with fine-tuned weights"));
            AssertOrtMatchesTorch(model, Probe);

            // Exported: a fresh ONNX Runtime session gives the transformer's scores.
            using var exported = new MemoryStream();
            model.ExportToOnnx(exported);
            var encodings = Probe.Select(t => model.Encode(t, null)).ToArray();
            var fresh = FreshSessionScores(exported.ToArray(), encodings, "scores");
            AssertClose(Scores(model, Probe, torch: false), fresh, Tolerance, "exported graph in a fresh session");
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Runs an exported graph in a plain InferenceSession, one row per run (no padding), as a user in another
    /// language would: inputs input_ids, attention_mask, token_type_ids.</summary>
    private static float[][] FreshSessionScores(byte[] graph, IReadOnlyList<EncodedText> rows, string output)
    {
        using var session = new InferenceSession(graph);
        Assert.Equal(["attention_mask", "input_ids", "token_type_ids"], session.InputMetadata.Keys.Order());
        Assert.Equal([output], session.OutputMetadata.Keys);
        var scores = new float[rows.Count][];
        for (int r = 0; r < rows.Count; r++)
        {
            long n = rows[r].Length;
            using var ids = OrtValue.CreateTensorValueFromMemory(rows[r].Ids.Select(i => (long)i).ToArray(), [1, n]);
            using var mask = OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(1L, (int)n).ToArray(), [1, n]);
            using var types = OrtValue.CreateTensorValueFromMemory(rows[r].TypeIds.Select(i => (long)i).ToArray(), [1, n]);
            using var results = session.Run(new RunOptions(), ["input_ids", "attention_mask", "token_type_ids"], [ids, mask, types], [output]);
            scores[r] = results[0].GetTensorDataAsSpan<float>().ToArray();
        }
        return scores;
    }

    [Fact]
    public void FineTunedFromAHuggingFaceFolder_GetsAWrittenGraph_AsTorchSharpScores()
    {
        using var dir = new TempFolder();
        var vocabulary = TinyBert.Vocabulary(ToyData.AllText());
        using (var start = new BertModel(TinyBert.Config(vocabulary.Count, 40)))
            BertWeights.SaveHuggingFace(start, dir.Path);
        File.WriteAllLines(dir.File("vocab.txt"), vocabulary);
        var ml = new MLContext(seed: 1);
        var log = new List<string>();
        ml.Log += (_, e) => { if (e.Source.Contains("ContextualTextClassification")) lock (log) log.Add(e.Message); };
        var options = TextClassificationTests.Options(epochs: 2);
        options.Encoder = BertCheckpoint.FromHuggingFace(dir.Path);
        using var model = ml.BinaryClassification.Trainers.ContextualTextClassification(options).Fit(ml.Data.LoadFromEnumerable(ToyData.Sentiment()));
        Assert.Contains(log, m => m.Contains("written from the configuration"));
        AssertOrtMatchesTorch(model, Probe);
    }

    [Fact]
    public void MiniLM_FineTuned_PredictsOnItsOwnGraph_AsTorchSharpDoes()
    {
        var ml = new MLContext(seed: 1);
        var log = new List<string>();
        ml.Log += (_, e) => { if (e.Source.Contains("ContextualTextClassification")) lock (log) log.Add(e.Message); };
        var options = new ContextualTextClassificationOptions
        {
            BatchSize = 8, MaxEpochs = 1, MaxTokens = 16, NumberOfThreads = 1, ValidationFraction = 0, HeadDropout = 0,
        };
        var rows = ToyData.Sentiment().Take(16).ToList();
        using var model = ml.BinaryClassification.Trainers.ContextualTextClassification(options).Fit(ml.Data.LoadFromEnumerable(rows));
        Assert.Contains(log, m => m.Contains("the source graph with fine-tuned weights"));
        AssertOrtMatchesTorch(model, Probe);
    }

    [Fact]
    public void MultiClassExport_GivesProbabilities_InAFreshSession()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(ToyData.Topic());
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
        using var model = ml.MulticlassClassification.Trainers.ContextualTextClassification(TextClassificationTests.Options(epochs: 2)).Fit(keyed);
        string[] texts = ["we talked about soup", "snow again", ""];
        using var exported = new MemoryStream();
        model.ExportToOnnx(exported);
        var fresh = FreshSessionScores(exported.ToArray(), texts.Select(t => model.Encode(t, null)).ToArray(), "scores");
        AssertClose(Scores(model, texts, torch: false), fresh, Tolerance, "exported graph in a fresh session");
        Assert.All(fresh, row => Assert.Equal(1f, row.Sum(), 4));
    }

    [Fact]
    public void SavedClassifier_LoadsAndPredictsInAProcessThatNeverLoadsLibtorch()
    {
        var ml = new MLContext(seed: 1);
        var rows = ToyData.Sentiment().Select(r => new FineTunedFreshProcessTests.TextTopicRow { Text = r.Sentence1, Label = r.Label ? "pos" : "neg" }).ToList();
        var options = TextClassificationTests.Options(epochs: 2);
        options.Sentence1ColumnName = "Text";
        var data = ml.Data.LoadFromEnumerable(ToyData.Sentiment().Select(r => new TextLabelRow { Text = r.Sentence1, Label = r.Label }));
        using var model = ml.BinaryClassification.Trainers.ContextualTextClassification(options).Fit(data);
        using var dir = new TempFolder();
        ml.Model.Save(model, data.Schema, dir.File("model.zip"));

        var texts = rows.Select(r => r.Text).Take(6).Append("").ToArray();
        var expected = Scores(model, texts, torch: false);
        var actual = FreshProcess.Transform(dir.File("model.zip"), texts, "Score", out var libraries);
        AssertClose(expected, actual, 1e-6f, "fresh process");
        Assert.Contains(libraries, l => l.Contains("onnxruntime", StringComparison.Ordinal));
        FreshProcess.AssertNoLibTorch(libraries);
    }

    public sealed class TextLabelRow
    {
        public string Text { get; set; }
        public bool Label { get; set; }
    }

    [Fact]
    public void CorruptGraphInTheZip_ErrorNamesTheEntry()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(ToyData.Sentiment());
        using var model = ml.BinaryClassification.Trainers.ContextualTextClassification(TextClassificationTests.Options(epochs: 1)).Fit(data);
        using var dir = new TempFolder();
        ml.Model.Save(model, data.Schema, dir.File("model.zip"));
        ZipSurgery.ReplaceBlob(dir.File("model.zip"), "Classifier.onnx", "not an onnx graph at all"u8.ToArray());
        var e = Assert.ThrowsAny<Exception>(() => new MLContext().Model.Load(dir.File("model.zip"), out _));
        while (e is not InvalidDataException && e.InnerException != null)
            e = e.InnerException;
        Assert.IsType<InvalidDataException>(e);
        Assert.Contains("'Classifier.onnx'", e.Message);
        Assert.Contains("could not be loaded by ONNX Runtime", e.Message);
    }

    [Fact]
    public void QuestionAnswer_OnnxRuntimeLogits_EqualTorchSharps_AndExport()
    {
        var ml = new MLContext(seed: 1);
        using var model = ml.MulticlassClassification.Trainers.ContextualQuestionAnswer(QuestionAnswerTests.Options(epochs: 2))
            .Fit(ml.Data.LoadFromEnumerable(ToyData.Qa(24)));
        Assert.True(model.PredictsWithOnnxRuntime);
        var test = ToyData.Qa(12, seed: 5).Select(r => (r.Context, r.Question)).ToArray();
        var onnx = new ContextualQuestionAnswerTransformer.QaAnswer[test.Length];
        var torch = new ContextualQuestionAnswerTransformer.QaAnswer[test.Length];
        model.Predict(test, onnx, torch: false);
        model.Predict(test, torch, torch: true);
        for (int i = 0; i < test.Length; i++)
        {
            Assert.Equal(torch[i].Answers, onnx[i].Answers);
            AssertClose([torch[i].Scores], [onnx[i].Scores], Tolerance, $"question {i}");
        }

        using var exported = new MemoryStream();
        model.ExportToOnnx(exported);
        using var session = new InferenceSession(exported.ToArray());
        Assert.Equal(["end_logits", "start_logits"], session.OutputMetadata.Keys.Order());

        using var dir = new TempFolder();
        ml.Model.Save(model, ml.Data.LoadFromEnumerable(ToyData.Qa(2)).Schema, dir.File("qa.zip"));
        using var loaded = (ContextualQuestionAnswerTransformer)new MLContext().Model.Load(dir.File("qa.zip"), out _);
        var reloaded = new ContextualQuestionAnswerTransformer.QaAnswer[test.Length];
        loaded.Predict(test, reloaded, torch: false);
        for (int i = 0; i < test.Length; i++)
        {
            Assert.Equal(onnx[i].Answers, reloaded[i].Answers);
            Assert.Equal(onnx[i].Scores, reloaded[i].Scores);
        }
    }

    [Fact]
    public void SavedQuestionAnswer_LoadsAndAnswersInAProcessThatNeverLoadsLibtorch()
    {
        var ml = new MLContext(seed: 1);
        using var model = ml.MulticlassClassification.Trainers.ContextualQuestionAnswer(QuestionAnswerTests.Options(epochs: 2))
            .Fit(ml.Data.LoadFromEnumerable(ToyData.Qa(24)));
        var test = ToyData.Qa(6, seed: 5).Select(r => (r.Context, r.Question)).Append(("", "what is the key ?")).ToArray();
        var expected = new ContextualQuestionAnswerTransformer.QaAnswer[test.Length];
        model.Predict(test, expected, torch: false);
        using var dir = new TempFolder();
        ml.Model.Save(model, ml.Data.LoadFromEnumerable(ToyData.Qa(2)).Schema, dir.File("qa.zip"));

        var actual = FreshProcess.Transform(dir.File("qa.zip"), test.Select(t => $"{t.Item1}\t{t.Item2}"), "Score", out var libraries);
        Assert.Equal(test.Length, actual.Length);
        for (int i = 0; i < test.Length; i++)
            AssertClose([expected[i].Scores], [actual[i]], 1e-6f, $"question {i} in a fresh process");
        Assert.Contains(libraries, l => l.Contains("onnxruntime", StringComparison.Ordinal));
        FreshProcess.AssertNoLibTorch(libraries);
    }
}

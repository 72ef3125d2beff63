using Microsoft.ML;
using MLNetContextual.Tests.FineTuning;

namespace MLNetContextual.Tests.Topics;

/// <summary>Text → word2vec sentence vectors → topic model, saved, then loaded and run in another process.</summary>
[Collection(TorchTrainingCollection.Name)]
public class ContextualTopicModelFreshProcessTests
{
    private sealed class TextRow
    {
        public string Text { get; set; }
    }

    private sealed class TopicsRow
    {
        public float[] Topics { get; set; }
    }

    [Fact]
    public void LearnContextualTopics_LoadsInAFreshProcess_WithIdenticalOutputs()
    {
        var ml = new MLContext(seed: 1);
        var corpus = ToyTopicCorpus.Create(160).Select(r => new TextRow { Text = r.Text }).ToArray();
        var options = ToyTopicCorpus.Options(ContextualTopicModelVariant.Combined);
        options.MaxEpochs = 5;
        var model = ml.Transforms.Text.TokenizeIntoWords("Tokens", "Text")
            .Append(ml.Transforms.Text.LearnWord2Vec("Embedding", "Tokens", new Word2VecOptions { Dimension = ToyTopicCorpus.Dimension, MinCount = 1, Epochs = 1, NumberOfThreads = 1 }))
            .Append(ml.Transforms.Text.LearnContextualTopics(options))
            .Fit(ml.Data.LoadFromEnumerable(corpus));
        string[] texts = ["apple banana plum", "", "rocket orbit comet and the lunar planet", "unknown words only"];
        using var dir = new TempFolder();
        var data = ml.Data.LoadFromEnumerable(texts.Select(t => new TextRow { Text = t }));
        ml.Model.Save(model, data.Schema, dir.File("model.zip"));

        var expected = ml.Data.CreateEnumerable<TopicsRow>(model.Transform(data), false).Select(r => r.Topics).ToArray();
        var actual = FreshProcess.Transform(dir.File("model.zip"), texts, "Topics");
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], actual[i]);
    }
}

using Microsoft.ML;
using MLNetContextual.Tests.FineTuning;
using MLNetContextual.Tests.Seam;

namespace MLNetContextual.Tests.CrossView;

/// <summary>Bad input to Cross-View Training: the defined results and the errors, with their messages.</summary>
[Collection(TorchTrainingCollection.Name)]
public class CrossViewBadInputTests
{
    public sealed class VectorTagsRow
    {
        public string Text { get; set; }
        public string[] Tags { get; set; }
    }

    public sealed class NumberRow
    {
        public string Text { get; set; }
        public float Tags { get; set; }
    }

    [Fact]
    public void NullAndEmptyText_GiveNoTokensAndNoTags()
    {
        var encoder = TinyCrossView.Encoder;
        Assert.Empty(encoder.Tag((string)null).Tags);
        Assert.Empty(encoder.Tag("").Tokens);
        Assert.Empty(encoder.Tag("  \t ").Tags);
        Assert.Empty(encoder.Tag(Array.Empty<string>()));
        var ml = new MLContext(seed: 1);
        var rows = new[] { new TinyCrossView.TextRow { Text = null }, new TinyCrossView.TextRow { Text = "" } };
        var output = ml.Data.CreateEnumerable<TinyCrossView.Tagged>(TinyCrossView.Model.Transform(ml.Data.LoadFromEnumerable(rows)), false).ToArray();
        // ML.NET reads an empty vector back as a null array.
        Assert.All(output, o => Assert.Empty(o.PredictedTags ?? []));
        Assert.All(output, o => Assert.Empty(o.PredictedTagsTokens ?? []));
    }

    [Fact]
    public void VeryLongText_IsTaggedInFull()
    {
        var words = Enumerable.Range(0, 3000).Select(i => i % 5 == 0 ? "the" : i % 5 == 1 ? "dog" : i % 5 == 2 ? "saw" : i % 5 == 3 ? "a" : "cat").ToArray();
        var (tokens, tags) = TinyCrossView.Encoder.Tag(string.Join(' ', words));
        Assert.Equal(3000, tokens.Length);
        Assert.Equal(3000, tags.Length);
    }

    [Fact]
    public void UnknownWordsAndCharacters_AreTagged()
    {
        var (tokens, tags) = TinyCrossView.Encoder.Tag("the 𝔷𝔷𝔷 saw a 猫 ; Ünïcødé");
        Assert.Equal(7, tokens.Length);
        Assert.Equal(7, tags.Length);
        Assert.All(tags, t => Assert.Contains(t, TinyCrossView.Encoder.Tags));
        Assert.Equal(tags, TinyCrossView.Encoder.Tag(tokens));
        var probabilities = TinyCrossView.Encoder.TagProbabilities(tokens);
        Assert.All(probabilities, p => Assert.Equal(1.0, p.Sum(), 4));
    }

    [Fact]
    public void MismatchedTokenAndTagCounts_NameTheRow()
    {
        var ml = new MLContext(seed: 1);
        var rows = TinyCrossView.Sentences(4, 5).ToList();
        rows.Add(new TinyCrossView.Row { Text = "the dog saw", Tags = "DET NOUN" });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Text.LearnCrossViewTagger(TinyCrossView.Options(1)).Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.Contains("Row 4 (0-based) has 3 tokens in column 'Text' but 2 tags in column 'Tags'", e.Message);
    }

    [Fact]
    public void WrongColumnTypes_AreNamedAtSchemaTime()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new NumberRow { Text = "a", Tags = 1 } });
        var estimator = ml.Transforms.Text.LearnCrossViewTagger(TinyCrossView.Options(1));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(SchemaShapes.From(data.Schema)));
        Assert.Contains("Schema mismatch for input column 'Tags': expected String (white-space-separated) or Vector<String>, got Single", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(data));
        Assert.Contains("Schema mismatch for input column 'Tags': expected String (white-space-separated) or Vector<String>, got Single", e.Message);
        var missing = ml.Transforms.Text.LearnCrossViewTagger(new LearnCrossViewTaggerOptions { InputColumnName = "Words", Model = TinyCrossView.Config() });
        Assert.Contains("Could not find input column 'Words'", Assert.Throws<ArgumentOutOfRangeException>(() => missing.Fit(data)).Message);
        // The fitted tagger checks its input too.
        Assert.Contains("Schema mismatch for input column 'Text'", Assert.Throws<ArgumentOutOfRangeException>(() =>
            TinyCrossView.Model.GetOutputSchema(ml.Data.LoadFromEnumerable(new[] { new { Text = 1f } }).Schema)).Message);
    }

    [Fact]
    public void TagsUnseenInTraining_CountAsErrorsInValidation()
    {
        var ml = new MLContext(seed: 1);
        var options = TinyCrossView.Options(2);
        var valid = TinyCrossView.Sentences(10, 9).Select(r => new TinyCrossView.Row { Text = r.Text, Tags = r.Tags.Replace("DET", "ART") }).ToArray();
        options.ValidationSet = ml.Data.LoadFromEnumerable(valid);
        var estimator = ml.Transforms.Text.LearnCrossViewTagger(options);
        var model = estimator.Fit(ml.Data.LoadFromEnumerable(TinyCrossView.Sentences(32, 5)));
        Assert.DoesNotContain("ART", model.Tags);
        Assert.All(estimator.LastTrainingEpochs, e => Assert.True(e.ValidationAccuracy < 0.7, $"accuracy {e.ValidationAccuracy}"));
        // Vector tags work the same as a String of tags.
        var vectors = TinyCrossView.Sentences(16, 5).Select(r => new VectorTagsRow { Text = r.Text, Tags = r.Tags.Split(' ') });
        var fromVectors = ml.Transforms.Text.LearnCrossViewTagger(TinyCrossView.Options(1)).Fit(ml.Data.LoadFromEnumerable(vectors));
        Assert.Equal(["DET", "NOUN", "PUNCT", "VERB"], fromVectors.Tags);
    }

    [Fact]
    public void Cancellation_DuringTraining_ThrowsAndReturnsNothing()
    {
        var ml = new MLContext(seed: 1);
        using var cancel = new CancellationTokenSource();
        var options = TinyCrossView.Options(50);
        options.CancellationToken = cancel.Token;
        options.ProgressInterval = 1;
        int reports = 0;
        options.Progress = new SyncProgress<CrossViewTrainingProgress>(_ => { if (++reports == 2) cancel.Cancel(); });
        var estimator = ml.Transforms.Text.LearnCrossViewTagger(options);
        Assert.ThrowsAny<OperationCanceledException>(() => estimator.Fit(ml.Data.LoadFromEnumerable(TinyCrossView.Sentences(64, 5))));
        Assert.Empty(estimator.LastTrainingEpochs);
        Assert.Equal(2, reports);
    }

    [Fact]
    public void Options_AreValidatedNamingTheOption()
    {
        var ml = new MLContext(seed: 1);
        var o = TinyCrossView.Options();
        o.PretrainedEmbeddings = new StaticEmbeddings(["cat"], new float[5], 5);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Text.LearnCrossViewTagger(o));
        Assert.Equal("PretrainedEmbeddings", e.ParamName);
        Assert.Contains("PretrainedEmbeddings have 5 dimensions; Model.WordEmbeddingDim is 8", e.Message);
        o = TinyCrossView.Options();
        o.Model.CharFilterWidths = [2, 9];
        Assert.Contains("MaxWordLength is 8; it must be at least 9", Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Text.LearnCrossViewTagger(o)).Message);
        o = TinyCrossView.Options();
        o.LearningRate = 0;
        Assert.Equal("LearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Text.LearnCrossViewTagger(o)).ParamName);
    }

    [Fact]
    public void PretrainedVectors_StartTheWordEmbeddings()
    {
        var ml = new MLContext(seed: 1);
        var o = TinyCrossView.Options(1);
        var vector = Enumerable.Range(0, 8).Select(i => i / 10f).ToArray();
        o.PretrainedEmbeddings = new StaticEmbeddings(["zebra", "cat"], [.. vector, .. vector], 8);
        o.LearningRate = 1e-9;   // so the trained rows stay where they started
        o.MinCount = 5;
        var model = ml.Transforms.Text.LearnCrossViewTagger(o).Fit(ml.Data.LoadFromEnumerable(TinyCrossView.Sentences(8, 5).Append(new TinyCrossView.Row { Text = "the cat sees a cat", Tags = "DET NOUN VERB DET NOUN" })));
        var words = model.Encoder.Vocabulary;
        int cat = words.ToList().IndexOf("cat");
        Assert.True(cat >= 4);
        var row = model.Encoder.Weights["word_embed.weight"].AsSpan(cat * 8, 8).ToArray();
        for (int i = 0; i < 8; i++)
            Assert.Equal(vector[i], row[i], 5);
        Assert.DoesNotContain("zebra", words);   // only words of the training text join the vocabulary
    }

    [Fact]
    public void CorruptZip_IsAnErrorNamingTheEntry()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new TinyCrossView.TextRow { Text = "the dog" } });
        using var dir = new TempFolder();
        ml.Model.Save(TinyCrossView.Model, data.Schema, dir.File("model.zip"));
        File.Copy(dir.File("model.zip"), dir.File("bad.zip"));
        ZipSurgery.FlipByte(dir.File("bad.zip"), "weights.bin");
        var e = LoadError(() => new MLContext().Model.Load(dir.File("bad.zip"), out _));
        Assert.Contains("weights.bin", e.Message);
        File.Copy(dir.File("model.zip"), dir.File("short.zip"));
        ZipSurgery.ReplaceBlob(dir.File("short.zip"), "Encoder.weights.bin", new byte[12]);
        e = LoadError(() => new MLContext().Model.Load(dir.File("short.zip"), out _));
        Assert.Contains("weights.bin holds 12 bytes", e.Message);
        File.Copy(dir.File("model.zip"), dir.File("tags.zip"));
        ZipSurgery.ReplaceBlob(dir.File("tags.zip"), "Encoder.tags.txt", "DET\nDET\nNOUN\nVERB"u8.ToArray());
        e = LoadError(() => new MLContext().Model.Load(dir.File("tags.zip"), out _));
        Assert.Contains("tags must be distinct", e.Message);
    }

    /// <summary>The InvalidDataException a load throws (ML.NET wraps what a loader throws in TargetInvocationException).</summary>
    private static InvalidDataException LoadError(Action load)
    {
        var e = Assert.ThrowsAny<Exception>(load);
        for (var x = e; x != null; x = x.InnerException)
            if (x is InvalidDataException found)
                return found;
        throw new Xunit.Sdk.XunitException($"Expected an InvalidDataException, got {e}");
    }

    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}

using Microsoft.ML;
using MLNetContextual.Tests.FineTuning;

namespace MLNetContextual.Tests.Context2Vec;

/// <summary>Bad input to context2vec: wrong column types, no text, a vocabulary left empty, cancellation, options out
/// of range, long sentences, unknown words and bad substitution requests.</summary>
[Collection(TorchTrainingCollection.Name)]
public class Context2VecBadInputTests
{
    private sealed class NumberRow
    {
        public float Text { get; set; }
    }

    [Fact]
    public void WrongColumnType_FailsInGetOutputSchemaAndFit_NamingColumnExpectedAndFound()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new NumberRow { Text = 1 } });
        var estimator = ml.Transforms.Text.LearnContext2Vec(TinyContext2Vec.Options());
        var e1 = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(SchemaShapes.From(data.Schema)));
        Assert.Contains("Schema mismatch for input column 'Text': expected String, got Single", e1.Message);
        var e2 = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(data));
        Assert.Contains("Schema mismatch for input column 'Text': expected String, got Single", e2.Message);
        var missing = ml.Transforms.Text.LearnContext2Vec("Features", "Body");
        Assert.Contains("Could not find input column 'Body'", Assert.Throws<ArgumentOutOfRangeException>(() => missing.Fit(data)).Message);

        var options = TinyContext2Vec.Options();
        options.ValidationSet = data;
        var e3 = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.Transforms.Text.LearnContext2Vec(options).Fit(ml.Data.LoadFromEnumerable(TinyContext2Vec.Corpus())));
        Assert.Contains("ValidationSet: Schema mismatch for input column 'Text': expected String, got Single", e3.Message);
    }

    [Fact]
    public void NoWords_AndAVocabularyLeftEmpty_FailWithWhatToDo()
    {
        var ml = new MLContext(seed: 1);
        var empty = ml.Data.LoadFromEnumerable(new[] { new TinyContext2Vec.TextRow { Text = "" }, new TinyContext2Vec.TextRow { Text = null }, new TinyContext2Vec.TextRow { Text = "  " } });
        var e1 = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Text.LearnContext2Vec(TinyContext2Vec.Options()).Fit(empty));
        Assert.Equal("Column 'Text' has no words to learn from (every row is empty). (Parameter 'input')", e1.Message);

        var options = TinyContext2Vec.Options();
        options.MinCount = 1000;
        var e2 = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Text.LearnContext2Vec(options).Fit(ml.Data.LoadFromEnumerable(TinyContext2Vec.Corpus())));
        Assert.StartsWith("No word of column 'Text' occurs at least MinCount = 1000 times (", e2.Message);
        Assert.Contains("Lower MinCount or give more text.", e2.Message);
        Assert.Equal("MinCount", e2.ParamName);
    }

    [Fact]
    public void Cancellation_ThrowsAndReturnsNothing()
    {
        var ml = new MLContext(seed: 1);
        using var cts = new CancellationTokenSource();
        var options = TinyContext2Vec.Options(epochs: 50);
        int reports = 0;
        options.ProgressInterval = 1;
        options.Progress = new Elmo.LearnElmoTests.SyncProgress<Context2VecTrainingProgress>(_ =>
        {
            if (++reports == 3)
                cts.Cancel();
        });
        options.CancellationToken = cts.Token;
        var estimator = ml.Transforms.Text.LearnContext2Vec(options);
        Assert.ThrowsAny<OperationCanceledException>(() => estimator.Fit(ml.Data.LoadFromEnumerable(TinyContext2Vec.Corpus())));
        Assert.Equal(3, reports);
        Assert.Empty(estimator.LastTrainingEpochs);
    }

    [Theory]
    [InlineData(nameof(LearnContext2VecOptions.NegativeSamples), "NegativeSamples is 0; it must be at least 1.")]
    [InlineData(nameof(LearnContext2VecOptions.MaxSentenceLength), "MaxSentenceLength is 0; it must be at least 1.")]
    [InlineData(nameof(LearnContext2VecOptions.SamplingPower), "SamplingPower is -1; it must be a finite number ≥ 0 (0: uniform, 1: unigram).")]
    [InlineData(nameof(LearnContext2VecOptions.Dropout), "Dropout is 1; it must be in [0, 1).")]
    [InlineData(nameof(Context2VecConfig.ContextDim), "ContextDim is 0; it must be at least 1.")]
    public void OptionsOutOfRange_NameTheOption(string option, string message)
    {
        var o = TinyContext2Vec.Options();
        switch (option)
        {
            case nameof(LearnContext2VecOptions.NegativeSamples): o.NegativeSamples = 0; break;
            case nameof(LearnContext2VecOptions.MaxSentenceLength): o.MaxSentenceLength = 0; break;
            case nameof(LearnContext2VecOptions.SamplingPower): o.SamplingPower = -1; break;
            case nameof(LearnContext2VecOptions.Dropout): o.Dropout = 1; break;
            default: o.Model.ContextDim = 0; break;
        }
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().Transforms.Text.LearnContext2Vec(o));
        Assert.Equal(option, e.ParamName);
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void LongSentences_AreCutIntoPiecesForTraining_AndTruncatedByMaxTokensWhenApplied()
    {
        var (vocab, _) = Context2VecVocabulary.Build([["a", "b", "a", "b", "a", "b", "a"]], 1, 10);
        var pieces = Context2VecTrainer.Pieces([["a", "b", "a", "b", "a", "b", "a"], ["b"]], vocab, 3);
        Assert.Equal([3, 3, 1, 1], pieces.Select(p => p.Length));
        Assert.Equal(7, pieces.Take(3).Sum(p => p.Length));     // nothing thrown away

        var ml = new MLContext(seed: 1);
        var options = TinyContext2Vec.Options(epochs: 1);
        options.MaxSentenceLength = 3;
        using (var cut = ml.Transforms.Text.LearnContext2Vec(options).Fit(ml.Data.LoadFromEnumerable(TinyContext2Vec.Corpus())))
            Assert.Equal(7, ((Context2VecEncoder)cut.Encoder).ContextVectors("the cat drinks milk every morning .").Length);

        var c2v = TinyContext2Vec.Encoder;
        using var session = (ITokenEncoder)c2v.Open(new ContextualTokenEmbeddingOptions { Encoder = c2v, MaxTokens = 5 });
        var encoded = session.Encode("the cat drinks milk every morning .");
        Assert.Equal(5, encoded.Length);               // <BOS>, 3 words, <EOS>
        Assert.Equal(4, encoded.TruncatedPieces);
        Assert.Equal(7, c2v.ContextVectors("the cat drinks milk every morning .").Length);   // the encoder's own API does not truncate
    }

    [Fact]
    public void UnknownWords_GetTheUnknownId_AndFiniteContexts()
    {
        var c2v = TinyContext2Vec.Encoder;
        using var session = (ITokenEncoder)c2v.Open(new ContextualTokenEmbeddingOptions { Encoder = c2v });
        var tokens = session.Split("Xylophones drink MILK");
        Assert.Equal([0, 0, c2v.Vocabulary.ToList().IndexOf("milk")], tokens.Select(t => t.Id));
        Assert.All(c2v.ContextVectors("Xylophones qwerty zzz"), v => Assert.All(v, f => Assert.True(float.IsFinite(f))));
    }

    [Fact]
    public void BadSubstitutionRequests_SayWhatIsWrong()
    {
        var c2v = TinyContext2Vec.Encoder;
        Assert.Equal("wordIndex is 4; the text has 4 words (0 to 3). (Parameter 'wordIndex')",
            Assert.Throws<ArgumentOutOfRangeException>(() => c2v.Substitutes("the cat drinks milk", 4)).Message);
        Assert.StartsWith("The text has no words", Assert.Throws<ArgumentException>(() => c2v.Substitutes("", 0)).Message);
        Assert.StartsWith("The span (3, 1) covers no word", Assert.Throws<ArgumentOutOfRangeException>(() => c2v.SubstitutesAt("the cat", 3, 1)).Message);
        Assert.StartsWith("count is 0", Assert.Throws<ArgumentOutOfRangeException>(() => c2v.Substitutes("the cat", 1, 0)).Message);
        Assert.Equal(c2v.Vocabulary.Count - 3, c2v.Substitutes("the cat", 1, 10_000, excludeWord: false).Count);
        var ml = new MLContext(seed: 1);
        using var bert = ml.Transforms.Text.ApplyContextualTokenEmbedding("T", "Text", new ContextualTokenEmbeddingOptions { Encoder = ContextualEncoder.MiniLM })
            .Fit(ml.Data.LoadFromEnumerable(new[] { new TinyContext2Vec.TextRow { Text = "x" } }));
        Assert.StartsWith("Lexical substitution needs a context2vec encoder", Assert.Throws<ArgumentException>(() => bert.Substitutes("the cat", 1)).Message);
    }

    [Fact]
    public void WeightsThatDoNotFitTheConfig_AreRejectedWhenLoaded()
    {
        using var module = (Context2VecModule)TinyContext2Vec.Encoder.CreateModule();
        var weights = Context2VecWeights.FromModule(module);
        weights.Check(Context2VecWeights.Shapes(TinyContext2Vec.Config(), TinyContext2Vec.Encoder.Vocabulary.Count), "here");
        var wider = TinyContext2Vec.Config();
        wider.MlpHiddenDim = 25;
        var e = Assert.Throws<InvalidDataException>(() => weights.Check(Context2VecWeights.Shapes(wider, TinyContext2Vec.Encoder.Vocabulary.Count), "Encoder 'x' (context2vec)"));
        Assert.Equal("Encoder 'x' (context2vec): tensor 'l3.weight' has shape [24, 32]; the config needs [25, 32].", e.Message);
        var bytes = new MemoryStream();
        weights.Write(bytes);
        Assert.StartsWith("w: weights.bin holds", Assert.Throws<InvalidDataException>(() => Context2VecWeights.Read(bytes.ToArray()[..^4], weights.Entries, "w")).Message);
    }
}

using Microsoft.ML;

namespace MLNetContextual.Tests.Robustness;

/// <summary>Options that used to overflow (issue 8: <c>Word2VecOptions.Dimension = int.MaxValue</c>) are clear argument errors.</summary>
public class WordEmbeddingOptionsTests
{
    [Theory]
    [InlineData(nameof(Word2VecOptions.Dimension), int.MaxValue, "Dimension is 2147483647; it must be from 1 to 65536.")]
    [InlineData(nameof(Word2VecOptions.Window), int.MaxValue, "Window is 2147483647; it must be from 1 to 10000.")]
    [InlineData(nameof(Word2VecOptions.Negative), int.MaxValue, "Negative is 2147483647; it must be from 1 to 1000 (only negative sampling is implemented).")]
    [InlineData(nameof(Word2VecOptions.Epochs), int.MaxValue, "Epochs is 2147483647; it must be from 1 to 100000.")]
    [InlineData(nameof(Word2VecOptions.MaxSentenceLength), int.MaxValue, "MaxSentenceLength is 2147483647; it must be from 1 to 1000000.")]
    [InlineData(nameof(Word2VecOptions.NumberOfThreads), int.MaxValue, "NumberOfThreads is 2147483647; it must be from 1 to 1024.")]
    public void Word2Vec_OverflowingOption_IsAnArgumentOutOfRangeException(string option, int value, string message)
    {
        var options = new Word2VecOptions();
        typeof(Word2VecOptions).GetProperty(option)!.SetValue(options, value);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().Transforms.Text.LearnWord2Vec("F", "T", options));
        Assert.Equal(option, e.ParamName);
        Assert.Equal($"{message} (Parameter '{option}'){Environment.NewLine}Actual value was {value}.", e.Message);
    }

    [Theory]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NaN)]
    public void Word2Vec_NonFiniteRates_AreRejected(double value)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().Transforms.Text.LearnWord2Vec("F", "T", new Word2VecOptions { Sample = value }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().Transforms.Text.LearnWord2Vec("F", "T", new Word2VecOptions { LearningRate = value }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().Transforms.Text.LearnGloVe("F", "T", new GloVeOptions { XMax = value }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().Transforms.Text.LearnGloVe("F", "T", new GloVeOptions { Alpha = value }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().Transforms.Text.LearnGloVe("F", "T", new GloVeOptions { LearningRate = value }));
    }

    [Theory]
    [InlineData(nameof(GloVeOptions.Dimension), int.MaxValue, "Dimension is 2147483647; it must be from 1 to 65536.")]
    [InlineData(nameof(GloVeOptions.Window), int.MaxValue, "Window is 2147483647; it must be from 1 to 10000.")]
    [InlineData(nameof(GloVeOptions.Epochs), int.MaxValue, "Epochs is 2147483647; it must be from 1 to 100000.")]
    [InlineData(nameof(GloVeOptions.MaxCooccurrenceMemoryMB), int.MaxValue, "MaxCooccurrenceMemoryMB is 2147483647; it must be from 1 to 1048576 (1 TB).")]
    [InlineData(nameof(GloVeOptions.NumberOfThreads), int.MaxValue, "NumberOfThreads is 2147483647; it must be from 1 to 1024.")]
    public void GloVe_OverflowingOption_IsAnArgumentOutOfRangeException(string option, int value, string message)
    {
        var options = new GloVeOptions();
        typeof(GloVeOptions).GetProperty(option)!.SetValue(options, value);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new MLContext().Transforms.Text.LearnGloVe("F", "T", options));
        Assert.Equal(option, e.ParamName);
        Assert.Equal($"{message} (Parameter '{option}'){Environment.NewLine}Actual value was {value}.", e.Message);
    }

    [Fact]
    public void Word2Vec_VocabularyTimesDimension_BeyondOneArray_IsAClearError()
    {
        var ml = new MLContext(seed: 1);
        var words = Enumerable.Range(0, 40_000).Select(i => "w" + i).ToArray();
        var data = ml.Data.LoadFromEnumerable(new[] { new StaticWordEmbeddingTests.TokensRow { Tokens = words } });
        var estimator = ml.Transforms.Text.LearnWord2Vec("F", "Tokens", new Word2VecOptions { Dimension = 65_536, MinCount = 1 });
        var e = Assert.Throws<InvalidOperationException>(() => estimator.Fit(data));
        Assert.Equal("40000 words × Dimension 65536 = 2621440000 floats exceeds one array (2147483591 floats); lower Dimension or raise MinCount.", e.Message);
    }
}

using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual.Tests.Topics;

/// <summary>The measures on ML.NET's LatentDirichletAllocation: top words with and without slot names.</summary>
public class TopicQualityLdaTests
{
    private sealed class BowRow
    {
        public float[] Bow { get; set; }
    }

    [Fact]
    public void TopWords_FromItemScoresThroughTheVocabulary()
    {
        var rows = ToyTopicCorpus.Create(200);
        var processor = new TopicTextProcessor(TopicTextProcessor.EnglishStopWords, removeNumbers: true);
        var vocabulary = new TopicVocabulary(rows.SelectMany(r => processor.Words(r.Text)).Distinct().Order(StringComparer.Ordinal).ToList());
        var schema = SchemaDefinition.Create(typeof(BowRow));
        schema["Bow"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, vocabulary.Count);
        var bows = rows.Select(r =>
        {
            var dense = new float[vocabulary.Count];
            var bag = vocabulary.Bag(processor.Words(r.Text));
            for (int j = 0; j < bag.Ids.Length; j++) dense[bag.Ids[j]] = bag.Counts[j];
            return new BowRow { Bow = dense };
        });
        var ml = new MLContext(seed: 1);
        var lda = ml.Transforms.Text.LatentDirichletAllocation("Topics", "Bow", numberOfTopics: 4, numberOfSummaryTermsPerTopic: 8,
            numberOfThreads: 1, resetRandomGenerator: true).Fit(ml.Data.LoadFromEnumerable(bows, schema));

        var top = TopicQuality.TopWords(lda, 5, vocabulary.Words);
        Assert.Equal(4, top.Count);
        Assert.All(top, t => { Assert.Equal(5, t.Count); Assert.All(t, w => Assert.Contains(w, vocabulary.Words)); });
        Assert.InRange(TopicQuality.TopicDiversity(top, 5), 0.5, 1.0);
        Assert.Throws<InvalidOperationException>(() => TopicQuality.TopWords(lda, 5));          // no slot names, no vocabulary
        Assert.Throws<InvalidOperationException>(() => TopicQuality.TopWords(lda, 9, vocabulary.Words));   // summary keeps 8
    }

    [Fact]
    public void TopWords_FromWordScoresWhenTheInputHasSlotNames()
    {
        var rows = ToyTopicCorpus.Create(200).Select(r => new { r.Text }).ToList();
        var ml = new MLContext(seed: 1);
        var pipeline = ml.Transforms.Text.NormalizeText("Norm", "Text", keepPunctuations: false)
            .Append(ml.Transforms.Text.TokenizeIntoWords("Tokens", "Norm"))
            .Append(ml.Transforms.Text.RemoveDefaultStopWords("Tokens"))
            .Append(ml.Transforms.Conversion.MapValueToKey("Tokens"))
            .Append(ml.Transforms.Text.ProduceNgrams("Bow", "Tokens", ngramLength: 1, useAllLengths: false))
            .Append(ml.Transforms.Text.LatentDirichletAllocation("Topics", "Bow", numberOfTopics: 4, numberOfSummaryTermsPerTopic: 8,
                numberOfThreads: 1, resetRandomGenerator: true));
        var model = pipeline.Fit(ml.Data.LoadFromEnumerable(rows));
        var top = TopicQuality.TopWords(model.LastTransformer, 5);
        var planted = ToyTopicCorpus.Topics.SelectMany(t => t).Concat(["today", "really", "thing", "stuff"]).ToHashSet();
        Assert.Equal(4, top.Count);
        Assert.All(top, t => Assert.All(t, w => Assert.Contains(w, planted)));
    }
}

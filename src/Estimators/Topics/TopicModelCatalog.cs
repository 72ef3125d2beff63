using Microsoft.ML;

namespace MLNetContextual;

/// <summary>Contextualized topic models (CombinedTM, ZeroShotTM) on ML.NET's text catalog.</summary>
public static class TopicModelCatalog
{
    /// <summary>
    /// Learns a contextualized topic model (CombinedTM by default) from a text column and a sentence-embedding column
    /// (e.g. from <c>ApplyContextualEmbedding</c>) during <c>Fit</c>; outputs each document's topic proportions,
    /// <c>Vector&lt;Single, numberOfTopics&gt;</c>. The vocabulary and weights are saved inside the model zip; the
    /// fitted transformer lists each topic's top words (<see cref="ContextualTopicModelTransformer.GetTopWords"/>).
    /// </summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="outputColumnName">The topic-proportion column to create, e.g. "Topics".</param>
    /// <param name="textColumnName">The text column (String) the bag of words is built from.</param>
    /// <param name="embeddingColumnName">The embedding column (known-size vector of Single).</param>
    /// <param name="numberOfTopics">K, at least 2.</param>
    /// <param name="variant">Combined (bag of words and embedding in the encoder) or ZeroShot (embedding only).</param>
    public static ContextualTopicModelEstimator LearnContextualTopics(this TransformsCatalog.TextTransforms catalog,
        string outputColumnName, string textColumnName, string embeddingColumnName, int numberOfTopics = 10,
        ContextualTopicModelVariant variant = ContextualTopicModelVariant.Combined) =>
        catalog.LearnContextualTopics(new ContextualTopicModelOptions
        {
            OutputColumnName = outputColumnName, TextColumnName = textColumnName, EmbeddingColumnName = embeddingColumnName,
            NumberOfTopics = numberOfTopics, Variant = variant,
        });

    /// <summary>A contextualized topic model with all settings (<see cref="ContextualTopicModelOptions"/>).</summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="options">Columns, variant, K, network, training, vocabulary and inference settings.</param>
    public static ContextualTopicModelEstimator LearnContextualTopics(this TransformsCatalog.TextTransforms catalog,
        ContextualTopicModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new ContextualTopicModelEstimator(CatalogEnvironment.Of(catalog), options);
    }
}

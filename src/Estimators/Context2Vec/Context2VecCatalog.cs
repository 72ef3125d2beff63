using Microsoft.ML;

namespace MLNetContextual;

/// <summary>context2vec on ML.NET's text catalog, and lexical substitution on its fitted transformer.</summary>
public static class Context2VecCatalog
{
    /// <summary>
    /// Trains context2vec (Melamud et al. 2016: left-to-right and right-to-left LSTMs over word embeddings, an MLP over
    /// both, negative sampling against target-word embeddings) on a text column during <c>Fit</c>, then gives each word
    /// of a text its context vector (<c>Vector&lt;Single&gt;</c> of words × <see cref="Context2VecConfig.ContextDim"/>,
    /// with Tokens, Starts and Lengths columns, as <c>ApplyContextualTokenEmbedding</c>). The fitted transformer's
    /// <c>Encoder</c> is the learned <see cref="Context2VecEncoder"/>; the weights are saved inside the model zip.
    /// </summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="outputColumnName">The token-vector column to create, e.g. "Features".</param>
    /// <param name="inputColumnName">The text column; null: same as <paramref name="outputColumnName"/>.</param>
    /// <param name="epochs">Passes over the text.</param>
    /// <param name="model">The model's sizes; null: the CPU-sized default <see cref="Context2VecConfig"/>.</param>
    public static LearnContext2VecEstimator LearnContext2Vec(this TransformsCatalog.TextTransforms catalog,
        string outputColumnName, string inputColumnName = null, int epochs = 1, Context2VecConfig model = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        return new LearnContext2VecEstimator(new LearnContext2VecOptions
        {
            OutputColumnName = outputColumnName, InputColumnName = inputColumnName ?? outputColumnName, Epochs = epochs,
            Model = model ?? new Context2VecConfig(),
        });
    }

    /// <summary>Trains context2vec with every setting of <paramref name="options"/> (vocabulary, sizes, negatives,
    /// sampling power, epochs, batch, learning rate, dropout, sentence length, seed, threads, validation text, progress,
    /// cancellation); see the short overload.</summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="options">The options; their column names say what is read and written.</param>
    public static LearnContext2VecEstimator LearnContext2Vec(this TransformsCatalog.TextTransforms catalog, LearnContext2VecOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new LearnContext2VecEstimator(options);
    }

    /// <summary>Lexical substitution with the context2vec model of a fitted transformer: the words that best fill word
    /// <paramref name="wordIndex"/> of <paramref name="text"/> (see <see cref="Context2VecEncoder.Substitutes"/>).</summary>
    /// <param name="transformer">A transformer whose encoder is a <see cref="Context2VecEncoder"/> (what <c>LearnContext2Vec</c> fits).</param>
    /// <param name="text">The sentence.</param>
    /// <param name="wordIndex">0-based index among the text's words.</param>
    /// <param name="count">Substitutes wanted.</param>
    /// <param name="excludeWord">Leave out the word now in the slot.</param>
    public static IReadOnlyList<Context2VecSubstitute> Substitutes(this ContextualTokenEmbeddingTransformer transformer, string text, int wordIndex,
        int count = 10, bool excludeWord = true)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        return transformer.Encoder is Context2VecEncoder c2v
            ? c2v.Substitutes(text, wordIndex, count, excludeWord)
            : throw new ArgumentException($"Lexical substitution needs a context2vec encoder; this transformer runs '{transformer.Encoder.Name}' ({transformer.Encoder.Kind}).", nameof(transformer));
    }
}

using Microsoft.ML;

namespace MLNetContextual;

/// <summary>The Mirror-BERT learner on ML.NET's text catalog.</summary>
public static class MirrorBertCatalog
{
    /// <summary>
    /// Rewires a BERT masked language model into a sentence encoder during <c>Fit</c> with Mirror-BERT (Liu et al. 2021):
    /// self-supervised, from the text column alone (each string against its span-masked, dropout-perturbed twin, InfoNCE
    /// over in-batch negatives). The fitted transformer maps the text column to the pooled sentence vector
    /// (<c>Vector&lt;Single, hidden&gt;</c>) on ONNX Runtime, and its <c>Encoder</c> is the trained encoder for every
    /// other transform. Defaults are the reference's sentence recipe on the embedded MiniLM.
    /// </summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="outputColumnName">The vector column to create, e.g. "Features".</param>
    /// <param name="inputColumnName">The text column to learn from and embed; null: same as <paramref name="outputColumnName"/>.</param>
    /// <param name="encoder">The encoder to start from; null: <see cref="BertCheckpoint.MiniLM"/>.</param>
    /// <param name="batchSize">Strings per step (at least 2).</param>
    /// <param name="epochs">Passes over the strings.</param>
    public static MirrorBertEstimator LearnMirrorBert(this TransformsCatalog.TextTransforms catalog,
        string outputColumnName, string inputColumnName = null, ContextualEncoder encoder = null, int batchSize = 200, int epochs = 1) =>
        LearnMirrorBert(catalog, outputColumnName, inputColumnName,
            new MirrorBertOptions { Encoder = encoder ?? BertCheckpoint.MiniLM, BatchSize = batchSize, Epochs = epochs });

    /// <summary>
    /// Mirror-BERT with every setting of <paramref name="options"/> (span masking, temperature, batch, epochs, learning
    /// rate, weight decay, tokens, pooling, seed, threads, progress, cancellation, rows); see the short overload.
    /// </summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="outputColumnName">The vector column to create, e.g. "Features".</param>
    /// <param name="inputColumnName">The text column; null: same as <paramref name="outputColumnName"/>.</param>
    /// <param name="options">The settings.</param>
    public static MirrorBertEstimator LearnMirrorBert(this TransformsCatalog.TextTransforms catalog,
        string outputColumnName, string inputColumnName, MirrorBertOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new MirrorBertEstimator(outputColumnName, inputColumnName, options, CatalogEnvironment.Of(catalog));
    }
}

using Microsoft.ML;

namespace MLNetContextual;

/// <summary>Cross-View Training on ML.NET's text catalog.</summary>
public static class CrossViewCatalog
{
    /// <summary>
    /// Trains a sequence tagger (NER, POS, chunking) by Cross-View Training (Clark et al. 2018) during <c>Fit</c>: a
    /// character-CNN + biLSTM encoder and a primary prediction module learn from the labelled rows, and, with
    /// <see cref="LearnCrossViewTaggerOptions.UnlabelledSet"/> (Options overload), auxiliary modules that see restricted
    /// views of unlabelled sentences learn to match the primary module's predictions, improving the shared encoder. The
    /// fitted transformer adds the predicted tag of every token (<c>Vector&lt;String&gt;</c>) and the tokens; its
    /// <c>Encoder</c> is a token encoder for the other transforms. Saved inside the model zip; predicting needs no libtorch.
    /// </summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="outputColumnName">The predicted-tags column to create, e.g. "PredictedTags" (with "&lt;output&gt;Tokens").</param>
    /// <param name="inputColumnName">The tokens: String (white-space-separated) or Vector&lt;String&gt;.</param>
    /// <param name="tagsColumnName">The gold tags: String (white-space-separated) or Vector&lt;String&gt;, one per token.</param>
    /// <param name="epochs">Passes over the labelled rows.</param>
    /// <param name="model">The model's sizes; null: the CPU-sized default <see cref="CrossViewConfig"/>.</param>
    public static LearnCrossViewTaggerEstimator LearnCrossViewTagger(this TransformsCatalog.TextTransforms catalog,
        string outputColumnName = "PredictedTags", string inputColumnName = "Text", string tagsColumnName = "Tags", int epochs = 10, CrossViewConfig model = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new LearnCrossViewTaggerEstimator(new LearnCrossViewTaggerOptions
        {
            OutputColumnName = outputColumnName, InputColumnName = inputColumnName, TagsColumnName = tagsColumnName, Epochs = epochs,
            Model = model ?? new CrossViewConfig(),
        });
    }

    /// <summary>Trains a Cross-View Training tagger with every setting of <paramref name="options"/> (unlabelled data,
    /// supervised-only baseline, pretrained vectors, sizes, optimiser, dropout, validation, seed, threads, progress,
    /// cancellation); see the short overload.</summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="options">The options; their column names say what is read and written.</param>
    public static LearnCrossViewTaggerEstimator LearnCrossViewTagger(this TransformsCatalog.TextTransforms catalog, LearnCrossViewTaggerOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new LearnCrossViewTaggerEstimator(options);
    }
}

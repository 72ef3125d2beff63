using Microsoft.ML;

namespace MLNetContextual;

/// <summary>CoVe on ML.NET's text catalog.</summary>
public static class CoveCatalog
{
    /// <summary>
    /// Trains CoVe during <c>Fit</c>: an attentional English→German translation model whose encoder is a biLSTM over the
    /// frozen <paramref name="glove"/> vectors, from an English and a German text column (teacher forcing, cross-entropy,
    /// SGD as the paper). The decoder is then dropped and each English text is mapped to the mean over its words of
    /// [GloVe(w); CoVe(w)] (<c>Vector&lt;Single, d + 2H&gt;</c>). The fitted transformer's <c>Encoder</c> is the learned
    /// <see cref="CoveEncoder"/>; its weights and GloVe table are saved inside the model zip.
    /// </summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="outputColumnName">The vector column to create, e.g. "Features".</param>
    /// <param name="inputColumnName">The English text column.</param>
    /// <param name="targetColumnName">The German text column (read only during Fit).</param>
    /// <param name="glove">The frozen English word vectors.</param>
    /// <param name="epochs">Passes over the pairs.</param>
    public static LearnCoveEstimator LearnCove(this TransformsCatalog.TextTransforms catalog,
        string outputColumnName, string inputColumnName, string targetColumnName, StaticEmbeddings glove, int epochs = 1)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        return new LearnCoveEstimator(new LearnCoveOptions
        {
            OutputColumnName = outputColumnName, InputColumnName = inputColumnName, TargetColumnName = targetColumnName,
            Glove = glove, Epochs = epochs,
        });
    }

    /// <summary>Trains CoVe with every setting of <paramref name="options"/> (sizes, vocabulary, epochs, batch, optimizer,
    /// learning rate, dropout, maximum length, seed, threads, validation pairs, progress, cancellation); see the short overload.</summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="options">The options; their column names say what is read and written.</param>
    public static LearnCoveEstimator LearnCove(this TransformsCatalog.TextTransforms catalog, LearnCoveOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new LearnCoveEstimator(options);
    }
}

using Microsoft.ML;

namespace MLNetContextual;

/// <summary>ELMo on ML.NET's text catalog.</summary>
public static class ElmoCatalog
{
    /// <summary>
    /// Pre-trains an ELMo biLM (character CNN + 2-layer biLSTM language model, forward and backward) on a text column
    /// during <c>Fit</c>, then maps each text to the mean over its words of the average of the biLM's layers
    /// (<c>Vector&lt;Single, 2 × projection_dim&gt;</c>). The fitted transformer's <c>Encoder</c> is the learned
    /// <see cref="ElmoEncoder"/>: use it with the other transforms and the classification trainer, or save it in the
    /// published format. The weights are saved inside the model zip.
    /// </summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="outputColumnName">The vector column to create, e.g. "Features".</param>
    /// <param name="inputColumnName">The text column; null: same as <paramref name="outputColumnName"/>.</param>
    /// <param name="epochs">Passes over the text.</param>
    /// <param name="model">The biLM's shape; null: the CPU-sized default <see cref="ElmoConfig"/>.</param>
    public static LearnElmoEstimator LearnElmo(this TransformsCatalog.TextTransforms catalog,
        string outputColumnName, string inputColumnName = null, int epochs = 1, ElmoConfig model = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        return new LearnElmoEstimator(new LearnElmoOptions
        {
            OutputColumnName = outputColumnName, InputColumnName = inputColumnName ?? outputColumnName, Epochs = epochs,
            Model = model ?? new ElmoConfig(),
        });
    }

    /// <summary>Pre-trains an ELMo biLM with every setting of <paramref name="options"/> (sizes, softmax, epochs, batch,
    /// unroll length, learning rate, threads, validation text, progress, cancellation); see the short overload.</summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="options">The options; their column names say what is read and written.</param>
    public static LearnElmoEstimator LearnElmo(this TransformsCatalog.TextTransforms catalog, LearnElmoOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new LearnElmoEstimator(options);
    }
}

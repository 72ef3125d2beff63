using Microsoft.ML;

namespace MLNetContextual;

/// <summary>The Universal Sentence Encoder learner on ML.NET's text catalog.</summary>
public static class UniversalSentenceEncoderCatalog
{
    /// <summary>
    /// Trains a Universal Sentence Encoder (Cer et al. 2018) during <c>Fit</c> on <paramref name="tasks"/> (each from its
    /// own IDataView: pair classification, pair regression, response prediction, distillation), then maps the text column
    /// to its sentence vector (<c>Vector&lt;Single, 512&gt;</c>). The encoder is saved inside the model zip.
    /// </summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="outputColumnName">The vector column to create, e.g. "Features".</param>
    /// <param name="inputColumnName">The text column; null: same as <paramref name="outputColumnName"/>.</param>
    /// <param name="tasks">The training tasks (at least one).</param>
    /// <param name="architecture">The deep averaging network (fast, default) or the Transformer.</param>
    /// <param name="epochs">Passes over the tasks' rows.</param>
    public static UniversalSentenceEncoderEstimator LearnUniversalSentenceEncoder(this TransformsCatalog.TextTransforms catalog,
        string outputColumnName, string inputColumnName, IEnumerable<UseTrainingTask> tasks,
        UseArchitecture architecture = UseArchitecture.Dan, int epochs = 5)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        return LearnUniversalSentenceEncoder(catalog, outputColumnName, inputColumnName,
            new UniversalSentenceEncoderOptions { Tasks = tasks.ToList(), Architecture = architecture, Epochs = epochs });
    }

    /// <summary>
    /// Trains a Universal Sentence Encoder during <c>Fit</c> as <paramref name="options"/> say (tasks, architecture and
    /// shape, epochs, batch, learning rate, threads, validation pairs, progress, cancellation), then maps the text column to
    /// its sentence vector (<c>Vector&lt;Single, OutputDimension&gt;</c>).
    /// </summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="outputColumnName">The vector column to create, e.g. "Features".</param>
    /// <param name="inputColumnName">The text column; null: same as <paramref name="outputColumnName"/>.</param>
    /// <param name="options">Tasks and settings; <see cref="UniversalSentenceEncoderOptions.Tasks"/> must hold at least one task.</param>
    public static UniversalSentenceEncoderEstimator LearnUniversalSentenceEncoder(this TransformsCatalog.TextTransforms catalog,
        string outputColumnName, string inputColumnName, UniversalSentenceEncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new UniversalSentenceEncoderEstimator(outputColumnName, inputColumnName, options, CatalogEnvironment.Of(catalog));
    }
}

using Microsoft.ML;

namespace MLNetContextual;

/// <summary>Which inference network a contextualized topic model uses.</summary>
public enum ContextualTopicModelVariant
{
    /// <summary>CombinedTM: the encoder reads [bag of words; embedding projected to the vocabulary size].</summary>
    Combined,

    /// <summary>ZeroShotTM: the encoder reads the embedding only (the bag of words is only reconstructed), so documents
    /// whose words were never seen (other languages, with a multilingual encoder) still get topics.</summary>
    ZeroShot,
}

/// <summary>The non-linearity of the inference network's hidden layers.</summary>
public enum TopicNetworkActivation
{
    /// <summary>softplus(x) = log(1 + eˣ) (the paper's choice).</summary>
    Softplus,

    /// <summary>max(0, x).</summary>
    ReLU,
}

/// <summary>
/// Settings of <see cref="ContextualTopicModelEstimator"/>. Defaults are those of Bianchi et al. (2021) and of the
/// reference implementation (MilaNLProc/contextualized-topic-models: <c>CTM</c> and <c>WhiteSpacePreprocessingStopwords</c>).
/// </summary>
public sealed class ContextualTopicModelOptions
{
    /// <summary>Output column: the topic proportions, <c>Vector&lt;Single, NumberOfTopics&gt;</c>.</summary>
    public string OutputColumnName { get; set; } = "Topics";

    /// <summary>The text column (String) the bag of words is built from.</summary>
    public string TextColumnName { get; set; } = "Text";

    /// <summary>The sentence-embedding column (known-size <c>Vector&lt;Single, D&gt;</c>, e.g. from <c>ApplyContextualEmbedding</c>).</summary>
    public string EmbeddingColumnName { get; set; } = "Embedding";

    /// <summary>CombinedTM (bag of words + embedding in the encoder) or ZeroShotTM (embedding only).</summary>
    public ContextualTopicModelVariant Variant { get; set; } = ContextualTopicModelVariant.Combined;

    /// <summary>Number of topics K (at least 2).</summary>
    public int NumberOfTopics { get; set; } = 10;

    /// <summary>Widths of the inference network's hidden layers (the paper: 100, 100).</summary>
    public int[] HiddenSizes { get; set; } = [100, 100];

    /// <summary>Non-linearity of the hidden layers.</summary>
    public TopicNetworkActivation Activation { get; set; } = TopicNetworkActivation.Softplus;

    /// <summary>Dropout on the encoder's last hidden layer and on the sampled θ during training.</summary>
    public double Dropout { get; set; } = 0.2;

    /// <summary>Whether the logistic-normal prior's mean and variance are learned (the reference: true). They start at
    /// 0 and 1 − 1/K, the Laplace approximation of a Dirichlet(1) prior.</summary>
    public bool LearnPriors { get; set; } = true;

    /// <summary>Documents per optimisation step; the last incomplete batch of an epoch is dropped, as the reference's
    /// loader does (unless the whole training set is smaller than one batch).</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>Adam's learning rate.</summary>
    public double LearningRate { get; set; } = 2e-3;

    /// <summary>Adam's β₁ (the reference calls it momentum).</summary>
    public double Beta1 { get; set; } = 0.99;

    /// <summary>Adam's β₂.</summary>
    public double Beta2 { get; set; } = 0.99;

    /// <summary>Passes over the training documents (fewer when early stopping ends training).</summary>
    public int MaxEpochs { get; set; } = 100;

    /// <summary>Most words kept: the most frequent (total count) after the stop-word and document-frequency filters.</summary>
    public int MaximumVocabularySize { get; set; } = 2000;

    /// <summary>Words removed before the vocabulary is built; default: NLTK's English list (179 words), which the
    /// reference's examples pass. Matched after lowercasing; an empty list removes nothing.</summary>
    public IReadOnlyCollection<string> StopWords { get; set; } = TopicTextProcessor.EnglishStopWords;

    /// <summary>A word must occur in at least this many documents (the reference: 1).</summary>
    public int MinimumDocumentFrequency { get; set; } = 1;

    /// <summary>A word in more than this fraction of the documents is dropped (corpus-specific stop words; the
    /// reference: 1.0, nothing dropped).</summary>
    public double MaximumDocumentFraction { get; set; } = 1.0;

    /// <summary>Digits are replaced by spaces before words are split, as the reference does by default.</summary>
    public bool RemoveNumbers { get; set; } = true;

    /// <summary>θ samples averaged per document at prediction time (the reference's <c>n_samples</c>: 20). The noise
    /// comes from a generator seeded by the document's own input (embedding and word counts) and
    /// <see cref="InferenceSeed"/>, so a document gets the same vector in a batch, alone (PredictionEngine) and after a
    /// reload. 0: softmax(μ), the posterior mean's proportions, without sampling.</summary>
    public int InferenceSamples { get; set; } = 20;

    /// <summary>Mixed into every document's sampling seed (see <see cref="InferenceSamples"/>).</summary>
    public int InferenceSeed { get; set; } = 0;

    /// <summary>Fraction of the non-empty training documents held back (a seeded random choice) to compute the
    /// validation loss after each epoch; 0: no validation, all epochs run. With it, training stops when the validation
    /// loss has not improved for <see cref="EarlyStoppingPatience"/> epochs and the best epoch's weights are kept.</summary>
    public double ValidationFraction { get; set; } = 0;

    /// <summary>Epochs without a lower validation loss before training stops (the reference: 5).</summary>
    public int EarlyStoppingPatience { get; set; } = 5;

    /// <summary>Seed of initialisation, dropout, sampling, shuffling and the validation split; null: the
    /// <see cref="MLContext"/> seed (random when the context has none). With a fixed seed, CPU training is repeatable.</summary>
    public int? Seed { get; set; }

    /// <summary>Threads TorchSharp uses during <c>Fit</c> (a process-wide setting, restored afterwards); null: min(processors, 4); on a busy machine 1 can be many times faster.</summary>
    public int? NumberOfThreads { get; set; }

    /// <summary>Receives a report after every epoch (loss, validation loss, documents/s); also logged to <see cref="MLContext.Log"/>.</summary>
    public IProgress<ContextualTopicModelProgress> Progress { get; set; }

    /// <summary>Cancels <c>Fit</c>: it throws <see cref="OperationCanceledException"/> at the next batch and returns nothing.</summary>
    public CancellationToken CancellationToken { get; set; }

    internal void Validate()
    {
        Check(!string.IsNullOrEmpty(OutputColumnName), nameof(OutputColumnName), "OutputColumnName must be set.");
        Check(!string.IsNullOrEmpty(TextColumnName), nameof(TextColumnName), "TextColumnName must be set.");
        Check(!string.IsNullOrEmpty(EmbeddingColumnName), nameof(EmbeddingColumnName), "EmbeddingColumnName must be set.");
        Check(Enum.IsDefined(Variant), nameof(Variant), $"Variant is {Variant}; valid variants are Combined, ZeroShot.");
        Check(Enum.IsDefined(Activation), nameof(Activation), $"Activation is {Activation}; valid activations are Softplus, ReLU.");
        Check(NumberOfTopics >= 2, nameof(NumberOfTopics), $"NumberOfTopics is {NumberOfTopics}; a topic model needs at least 2 topics.");
        Check(HiddenSizes is { Length: > 0 } && HiddenSizes.All(h => h >= 1), nameof(HiddenSizes),
            $"HiddenSizes is [{string.Join(", ", HiddenSizes ?? [])}]; it needs at least one layer, each of width at least 1.");
        Check(Dropout is >= 0 and < 1, nameof(Dropout), $"Dropout is {Dropout}; it must be in [0, 1).");
        Check(BatchSize >= 2, nameof(BatchSize), $"BatchSize is {BatchSize}; batch normalisation needs at least 2 documents per batch.");
        Check(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), $"LearningRate is {LearningRate}; it must be positive.");
        Check(Beta1 is >= 0 and < 1, nameof(Beta1), $"Beta1 is {Beta1}; it must be in [0, 1).");
        Check(Beta2 is >= 0 and < 1, nameof(Beta2), $"Beta2 is {Beta2}; it must be in [0, 1).");
        Check(MaxEpochs >= 1, nameof(MaxEpochs), $"MaxEpochs is {MaxEpochs}; it must be at least 1.");
        Check(MaximumVocabularySize >= 1, nameof(MaximumVocabularySize), $"MaximumVocabularySize is {MaximumVocabularySize}; it must be at least 1.");
        Check(MinimumDocumentFrequency >= 1, nameof(MinimumDocumentFrequency), $"MinimumDocumentFrequency is {MinimumDocumentFrequency}; it must be at least 1.");
        Check(MaximumDocumentFraction is > 0 and <= 1, nameof(MaximumDocumentFraction), $"MaximumDocumentFraction is {MaximumDocumentFraction}; it must be in (0, 1].");
        Check(InferenceSamples >= 0, nameof(InferenceSamples), $"InferenceSamples is {InferenceSamples}; it must not be negative (0: posterior mean).");
        Check(ValidationFraction is >= 0 and < 1, nameof(ValidationFraction), $"ValidationFraction is {ValidationFraction}; it must be in [0, 1).");
        Check(EarlyStoppingPatience >= 1, nameof(EarlyStoppingPatience), $"EarlyStoppingPatience is {EarlyStoppingPatience}; it must be at least 1.");
        Check(NumberOfThreads is null or >= 1, nameof(NumberOfThreads), $"NumberOfThreads is {NumberOfThreads}; it must be at least 1.");
    }

    private static void Check(bool condition, string name, string message)
    {
        if (!condition)
            throw new ArgumentOutOfRangeException(name, message);
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace MLNetContextual;

/// <summary>
/// What a fitted contextualized topic model needs besides its weights and vocabulary: the network's shape, the
/// preprocessing, the sampling settings and the column names. Saved as a small versioned JSON entry of the model zip.
/// </summary>
internal sealed record TopicModelConfig
{
    public int Version { get; init; } = 1;
    public string OutputColumnName { get; init; }
    public string TextColumnName { get; init; }
    public string EmbeddingColumnName { get; init; }
    [JsonConverter(typeof(JsonStringEnumConverter))]
    public ContextualTopicModelVariant Variant { get; init; }
    public int Topics { get; init; }
    public int EmbeddingSize { get; init; }
    public int VocabularySize { get; init; }
    public int[] HiddenSizes { get; init; }
    [JsonConverter(typeof(JsonStringEnumConverter))]
    public TopicNetworkActivation Activation { get; init; }
    public double Dropout { get; init; }
    public bool LearnPriors { get; init; }
    public bool RemoveNumbers { get; init; }
    public int InferenceSamples { get; init; }
    public int InferenceSeed { get; init; }

    public static TopicModelConfig From(ContextualTopicModelOptions o, int embeddingSize, int vocabularySize) => new()
    {
        OutputColumnName = o.OutputColumnName,
        TextColumnName = o.TextColumnName,
        EmbeddingColumnName = o.EmbeddingColumnName,
        Variant = o.Variant,
        Topics = o.NumberOfTopics,
        EmbeddingSize = embeddingSize,
        VocabularySize = vocabularySize,
        HiddenSizes = [.. o.HiddenSizes],
        Activation = o.Activation,
        Dropout = o.Dropout,
        LearnPriors = o.LearnPriors,
        RemoveNumbers = o.RemoveNumbers,
        InferenceSamples = o.InferenceSamples,
        InferenceSeed = o.InferenceSeed,
    };

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static TopicModelConfig FromJson(byte[] json)
    {
        var c = JsonSerializer.Deserialize<TopicModelConfig>(json, Json)
            ?? throw new InvalidDataException("The saved topic model's configuration is empty; the zip is corrupt.");
        if (c.Version != 1)
            throw new InvalidDataException($"This topic model's configuration has version {c.Version}; this version of MLNetContextual reads version 1. Update the package.");
        if (c.Topics < 2 || c.EmbeddingSize < 1 || c.VocabularySize < 1 || c.HiddenSizes is not { Length: > 0 })
            throw new InvalidDataException($"The saved topic model's configuration is inconsistent (topics {c.Topics}, embedding {c.EmbeddingSize}, vocabulary {c.VocabularySize}).");
        return c;
    }
}

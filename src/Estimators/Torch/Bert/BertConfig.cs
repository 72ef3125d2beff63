using System.Text.Json;
using System.Text.Json.Serialization;

namespace MLNetContextual;

/// <summary>
/// The shape of a BERT encoder, with Hugging Face's config.json names. Defaults are bert-base-uncased's.
/// </summary>
public sealed record BertConfig
{
    /// <summary>Word pieces in the vocabulary (rows of <c>embeddings.word_embeddings.weight</c>).</summary>
    [JsonPropertyName("vocab_size")] public int VocabSize { get; init; } = 30522;
    /// <summary>Width of every token vector (H).</summary>
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; } = 768;
    /// <summary>Encoder layers.</summary>
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; init; } = 12;
    /// <summary>Attention heads per layer; must divide <see cref="HiddenSize"/>.</summary>
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; init; } = 12;
    /// <summary>Width of the feed-forward block inside each layer.</summary>
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; init; } = 3072;
    /// <summary>Longest input, in word pieces, [CLS] and [SEP] included.</summary>
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; init; } = 512;
    /// <summary>Segment ids the model knows (2: sentence A and B).</summary>
    [JsonPropertyName("type_vocab_size")] public int TypeVocabSize { get; init; } = 2;
    /// <summary>Epsilon of every LayerNorm.</summary>
    [JsonPropertyName("layer_norm_eps")] public double LayerNormEps { get; init; } = 1e-12;
    /// <summary>Dropout after embeddings and each sub-layer (training only).</summary>
    [JsonPropertyName("hidden_dropout_prob")] public double HiddenDropoutProb { get; init; } = 0.1;
    /// <summary>Dropout on attention probabilities (training only).</summary>
    [JsonPropertyName("attention_probs_dropout_prob")] public double AttentionProbsDropoutProb { get; init; } = 0.1;
    /// <summary>Feed-forward activation: "gelu" (erf), "gelu_new"/"gelu_pytorch_tanh" (tanh approximation) or "relu".</summary>
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; init; } = "gelu";

    /// <summary>Width of one attention head.</summary>
    [JsonIgnore] public int HeadSize => HiddenSize / NumAttentionHeads;

    internal static readonly string[] Activations = ["gelu", "gelu_new", "gelu_pytorch_tanh", "relu"];

    /// <summary>Throws when the numbers cannot describe a BERT encoder.</summary>
    public BertConfig Validate()
    {
        void Positive(int value, string name)
        {
            if (value <= 0) throw new ArgumentOutOfRangeException(name, $"BertConfig.{name} is {value}; it must be positive.");
        }
        Positive(VocabSize, nameof(VocabSize));
        Positive(HiddenSize, nameof(HiddenSize));
        Positive(NumHiddenLayers, nameof(NumHiddenLayers));
        Positive(NumAttentionHeads, nameof(NumAttentionHeads));
        Positive(IntermediateSize, nameof(IntermediateSize));
        Positive(MaxPositionEmbeddings, nameof(MaxPositionEmbeddings));
        Positive(TypeVocabSize, nameof(TypeVocabSize));
        if (HiddenSize % NumAttentionHeads != 0)
            throw new ArgumentOutOfRangeException(nameof(NumAttentionHeads),
                $"HiddenSize {HiddenSize} is not a multiple of NumAttentionHeads {NumAttentionHeads}.");
        if (!Activations.Contains(HiddenAct))
            throw new ArgumentOutOfRangeException(nameof(HiddenAct),
                $"Unsupported hidden_act '{HiddenAct}'. Valid activations are: ({string.Join(", ", Activations)}).");
        return this;
    }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Reads a Hugging Face config.json (unknown keys are ignored).</summary>
    public static BertConfig FromJson(string json) =>
        (JsonSerializer.Deserialize<BertConfig>(json, Json) ?? throw new InvalidDataException("config.json is empty.")).Validate();

    /// <summary>Writes the Hugging Face config.json form (model_type "bert").</summary>
    public string ToJson()
    {
        var node = JsonSerializer.SerializeToNode(this, Json)!.AsObject();
        node["model_type"] = "bert";
        node["architectures"] = new System.Text.Json.Nodes.JsonArray("BertModel");
        return node.ToJsonString(Json);
    }
}

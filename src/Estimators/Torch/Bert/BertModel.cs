using MLNetContextual.Torch;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MLNetContextual;

#pragma warning disable IDE1006   // field names are Hugging Face's state-dict keys

/// <summary>
/// A BERT encoder in TorchSharp, laid out as Hugging Face's <c>BertModel</c> so its state-dict keys
/// (<c>embeddings.word_embeddings.weight</c>, <c>encoder.layer.0.attention.self.query.weight</c>, ...,
/// <c>pooler.dense.bias</c>) are the checkpoint's. Build one with random weights from a <see cref="BertConfig"/>,
/// or with trained weights through <see cref="BertWeights"/>. Dispose it to free the native tensors.
/// </summary>
internal sealed class BertModel : Module<Tensor, Tensor, Tensor, (Tensor LastHiddenState, Tensor Pooled)>, ITokenEncoderModule
{
    private readonly BertEmbeddings embeddings;
    private readonly BertEncoder encoder;
    private readonly BertPooler pooler;

    /// <summary>The shape this model was built with.</summary>
    public BertConfig Config { get; }

    /// <summary>A model with freshly initialised weights.</summary>
    public BertModel(BertConfig config) : base(Prepare(config))
    {
        Config = config;
        embeddings = new BertEmbeddings(config);
        encoder = new BertEncoder(config);
        pooler = new BertPooler(config);
        RegisterComponents();
    }

    // Runs before Module's constructor touches native code: validates the config, makes LibTorchSharp loadable.
    private static string Prepare(BertConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        TorchRuntime.EnsureLoaded();
        return nameof(BertModel);
    }

    /// <summary>Encodes a batch.</summary>
    /// <param name="inputIds">(B, T) int64 word-piece ids.</param>
    /// <param name="attentionMask">(B, T) 1 for real tokens, 0 for padding; null: all real.</param>
    /// <param name="tokenTypeIds">(B, T) int64 segment ids; null: all 0.</param>
    /// <returns>last_hidden_state (B, T, H) and the pooled [CLS] vector (B, H); the caller disposes both.</returns>
    public override (Tensor LastHiddenState, Tensor Pooled) forward(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        if (inputIds.dim() != 2)
            throw new ArgumentException($"input_ids must be (batch, tokens); got shape [{string.Join(", ", inputIds.shape)}].", nameof(inputIds));
        using var scope = NewDisposeScope();
        var mask = attentionMask ?? ones_like(inputIds);
        var types = tokenTypeIds ?? zeros_like(inputIds);
        CheckSameShape(inputIds, mask, "attention_mask");
        CheckSameShape(inputIds, types, "token_type_ids");

        var hidden = embeddings.call(inputIds, types);                                    // (B, T, H)
        // 0 where a key is a real token, the dtype's lowest value where it is padding: (B, 1, 1, T)
        var additive = (1.0 - mask.to(hidden.dtype)).mul(finfo(hidden.dtype).min).unsqueeze(1).unsqueeze(1);
        var last = encoder.call(hidden, additive);                                         // (B, T, H)
        var pooled = pooler.call(last);                                                    // (B, H)
        return (last.MoveToOuterDisposeScope(), pooled.MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    public int HiddenSize => Config.HiddenSize;

    /// <inheritdoc />
    public int LayerCount => Config.NumHiddenLayers + 1;

    /// <inheritdoc />
    public nn.Module AsModule() => this;

    /// <summary>Hidden states of the embeddings and of every layer (Hugging Face's <c>output_hidden_states</c>), and the
    /// pooled vector, for a batch of WordPiece inputs (padded here; the pad id is irrelevant under the mask).</summary>
    public EncoderOutput Encode(IReadOnlyList<EncodedText> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        using var tokens = TokenBatch.Create(batch.Select(e => e.Ids).ToArray(), batch.Select(e => e.TypeIds).ToArray(), padId: 0);
        var hidden = embeddings.call(tokens.Ids, tokens.Types);                           // (B, T, H)
        var mask = tokens.Mask.to(hidden.dtype);                                           // (B, T)
        var additive = (1.0 - mask).mul(finfo(hidden.dtype).min).unsqueeze(1).unsqueeze(1);
        var layers = new List<Tensor> { hidden };
        layers.AddRange(encoder.ForwardAll(hidden, additive));                            // L + 1 × (B, T, H)
        var pooled = pooler.call(layers[^1]);                                              // (B, H)
        foreach (var l in layers)
            l.MoveToOuterDisposeScope();
        return new EncoderOutput(layers, mask.MoveToOuterDisposeScope(), pooled.MoveToOuterDisposeScope());
    }

    private static void CheckSameShape(Tensor ids, Tensor other, string name)
    {
        if (!ids.shape.SequenceEqual(other.shape))
            throw new ArgumentException(
                $"{name} has shape [{string.Join(", ", other.shape)}]; input_ids has [{string.Join(", ", ids.shape)}]; they must match.", name);
    }
}

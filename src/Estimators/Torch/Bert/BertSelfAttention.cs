using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MLNetContextual;

#pragma warning disable IDE1006   // field names are Hugging Face's state-dict keys

/// <summary>Multi-head scaled dot-product self-attention over the projections query, key, value.</summary>
internal sealed class BertSelfAttention : Module<Tensor, Tensor, Tensor>
{
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;
    private readonly int heads;
    private readonly int headSize;
    private readonly double dropoutProbability;

    public BertSelfAttention(BertConfig config) : base(nameof(BertSelfAttention))
    {
        query = Linear(config.HiddenSize, config.HiddenSize);
        key = Linear(config.HiddenSize, config.HiddenSize);
        value = Linear(config.HiddenSize, config.HiddenSize);
        heads = config.NumAttentionHeads;
        headSize = config.HeadSize;
        dropoutProbability = config.AttentionProbsDropoutProb;
        RegisterComponents();
    }

    /// <param name="hidden">(B, T, H)</param>
    /// <param name="additiveMask">(B, 1, 1, T): 0 where a key may be attended to, a large negative number where not.</param>
    /// <returns>(B, T, H)</returns>
    public override Tensor forward(Tensor hidden, Tensor additiveMask)
    {
        using var scope = NewDisposeScope();
        long b = hidden.shape[0], t = hidden.shape[1];
        Tensor Heads(Linear projection) => projection.call(hidden).view(b, t, heads, headSize).transpose(1, 2);   // (B, nh, T, hs)
        var context = functional.scaled_dot_product_attention(Heads(query), Heads(key), Heads(value), additiveMask,
            training ? dropoutProbability : 0.0);                                                                 // (B, nh, T, hs)
        return context.transpose(1, 2).reshape(b, t, heads * headSize).MoveToOuterDisposeScope();
    }
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MLNetContextual;

#pragma warning disable IDE1006   // field names are Hugging Face's state-dict keys

/// <summary>The feed-forward contraction: dense back to H, dropout, residual and LayerNorm.</summary>
internal sealed class BertOutput : Module<Tensor, Tensor, Tensor>
{
    private readonly Linear dense;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;

    public BertOutput(BertConfig config) : base(nameof(BertOutput))
    {
        dense = Linear(config.IntermediateSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm([config.HiddenSize], config.LayerNormEps);
        dropout = Dropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    /// <param name="intermediate">(B, T, I)</param>
    /// <param name="input">(B, T, H) the block's input, added back.</param>
    /// <returns>(B, T, H)</returns>
    public override Tensor forward(Tensor intermediate, Tensor input)
    {
        using var scope = NewDisposeScope();
        return LayerNorm.call(dropout.call(dense.call(intermediate)) + input).MoveToOuterDisposeScope();
    }
}

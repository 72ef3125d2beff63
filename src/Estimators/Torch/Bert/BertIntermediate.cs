using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MLNetContextual;

#pragma warning disable IDE1006   // field names are Hugging Face's state-dict keys

/// <summary>The feed-forward expansion: dense to the intermediate size, then GELU (erf form by default).</summary>
internal sealed class BertIntermediate : Module<Tensor, Tensor>
{
    private readonly Linear dense;
    private readonly string activation;

    public BertIntermediate(BertConfig config) : base(nameof(BertIntermediate))
    {
        dense = Linear(config.HiddenSize, config.IntermediateSize);
        activation = config.HiddenAct;
        RegisterComponents();
    }

    /// <param name="hidden">(B, T, H)</param>
    /// <returns>(B, T, I)</returns>
    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var x = dense.call(hidden);
        x = activation switch
        {
            "gelu" => functional.gelu(x),
            "gelu_new" or "gelu_pytorch_tanh" => functional.gelu(x, TorchSharp.Modules.GELU.Approximate.tanh),
            "relu" => functional.relu(x),
            _ => throw new NotSupportedException($"Unsupported hidden_act '{activation}'."),
        };
        return x.MoveToOuterDisposeScope();
    }
}

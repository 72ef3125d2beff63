using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MLNetContextual;

#pragma warning disable IDE1006   // field names are Hugging Face's state-dict keys ("layer")

/// <summary>The stack of encoder layers.</summary>
internal sealed class BertEncoder : Module<Tensor, Tensor, Tensor>
{
    private readonly ModuleList<BertLayer> layer;

    public BertEncoder(BertConfig config) : base(nameof(BertEncoder))
    {
        layer = new ModuleList<BertLayer>(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new BertLayer(config)).ToArray());
        RegisterComponents();
    }

    /// <param name="hidden">(B, T, H)</param>
    /// <param name="additiveMask">(B, 1, 1, T)</param>
    /// <returns>(B, T, H)</returns>
    public override Tensor forward(Tensor hidden, Tensor additiveMask)
    {
        using var scope = NewDisposeScope();
        var x = hidden;
        foreach (var l in layer) x = l.call(x, additiveMask);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>Every layer's output, first to last: (B, T, H) each.</summary>
    public List<Tensor> ForwardAll(Tensor hidden, Tensor additiveMask)
    {
        var outputs = new List<Tensor>(layer.Count);
        var x = hidden;
        foreach (var l in layer)
            outputs.Add(x = l.call(x, additiveMask));
        return outputs;
    }
}

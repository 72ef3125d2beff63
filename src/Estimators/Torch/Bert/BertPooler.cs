using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MLNetContextual;

#pragma warning disable IDE1006   // field names are Hugging Face's state-dict keys

/// <summary>The [CLS] vector through dense + tanh (BERT's next-sentence-prediction pooler).</summary>
internal sealed class BertPooler : Module<Tensor, Tensor>
{
    private readonly Linear dense;

    public BertPooler(BertConfig config) : base(nameof(BertPooler))
    {
        dense = Linear(config.HiddenSize, config.HiddenSize);
        RegisterComponents();
    }

    /// <param name="hidden">(B, T, H)</param>
    /// <returns>(B, H)</returns>
    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        return tanh(dense.call(hidden.select(1, 0))).MoveToOuterDisposeScope();
    }
}

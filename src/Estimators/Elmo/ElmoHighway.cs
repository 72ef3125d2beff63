using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNetContextual;

#pragma warning disable IDE1006   // field names are state-dict keys

/// <summary>One highway layer of bilm-tf's character CNN: g = σ(x W_carry + b_carry), t = relu(x W_transform + b_transform),
/// y = g · t + (1 − g) · x. bilm-tf calls the gate that multiplies the transform the "carry" gate; the names are kept.</summary>
internal sealed class ElmoHighway : nn.Module<Tensor, Tensor>
{
    private readonly Linear carry;
    private readonly Linear transform;

    public ElmoHighway(int dim) : base(nameof(ElmoHighway))
    {
        carry = nn.Linear(dim, dim);
        transform = nn.Linear(dim, dim);
        using (no_grad())
        {
            nn.init.normal_(carry.weight, 0, Math.Sqrt(1.0 / dim));
            carry.bias.fill_(-2.0);                 // bilm-tf: b_carry starts at −2 (mostly pass x through)
            nn.init.normal_(transform.weight, 0, Math.Sqrt(1.0 / dim));
            transform.bias.zero_();
        }
        RegisterComponents();
    }

    public Linear Carry => carry;
    public Linear Transform => transform;

    /// <summary>(N, D) → (N, D).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var g = carry.forward(x).sigmoid();
        var t = transform.forward(x).relu();
        return g.mul(t).add(g.neg().add(1).mul(x)).MoveToOuterDisposeScope();
    }
}
#pragma warning restore IDE1006

using TorchSharp;
using static TorchSharp.torch;

namespace MLNetContextual;

#pragma warning disable IDE1006   // field names are state-dict keys, as in AllenNLP's ScalarMix

/// <summary>ELMo's learned scalar mix (Peters et al. 2018, eq. 1): γ · Σ_j softmax(w)_j · h_j over an encoder's layers,
/// w initialised to 0 (a plain average) and γ to 1.</summary>
internal sealed class ScalarMix : nn.Module<IReadOnlyList<Tensor>, Tensor>
{
    private readonly TorchSharp.Modules.Parameter scalar_parameters;
    private readonly TorchSharp.Modules.Parameter gamma;

    public ScalarMix(int layers) : base(nameof(ScalarMix))
    {
        scalar_parameters = nn.Parameter(zeros(layers));
        gamma = nn.Parameter(ones(1));
        RegisterComponents();
    }

    /// <summary>Layers of the same shape, e.g. (B, T, H) or (B, H) → that shape.</summary>
    public override Tensor forward(IReadOnlyList<Tensor> layers)
    {
        using var scope = NewDisposeScope();
        var weights = scalar_parameters.softmax(0);
        var stacked = stack(layers.ToArray());                                            // (L, ...)
        var shape = new long[stacked.dim()];
        Array.Fill(shape, 1L);
        shape[0] = -1;
        var mixed = stacked.mul(weights.view(shape)).sum(0L);   // a literal 0 would bind to sum(ScalarType)
        return mixed.mul(gamma).MoveToOuterDisposeScope();
    }

    /// <summary>The mix as fixed weights for the transforms (w and γ).</summary>
    public (float[] Weights, float Gamma) Values()
    {
        using var _ = no_grad();
        return (scalar_parameters.data<float>().ToArray(), gamma.item<float>());
    }
}
#pragma warning restore IDE1006

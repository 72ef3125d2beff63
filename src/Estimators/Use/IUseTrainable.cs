using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>A USE encoder while it trains: texts → (B, D) sentence vectors with gradients.</summary>
internal interface IUseTrainable : IDisposable
{
    /// <summary>The module whose parameters are trained.</summary>
    nn.Module Module { get; }

    /// <summary>A parameter with sparse gradients, trained by <see cref="LazyAdam"/> instead of Adam; null: none.</summary>
    Tensor SparseParameter { get; }

    /// <summary>The state-dict name of <see cref="SparseParameter"/>.</summary>
    string SparseParameterName { get; }

    /// <summary>Length of the sentence vectors (D).</summary>
    int Dimension { get; }

    /// <summary>(B, D) sentence vectors of <paramref name="texts"/>; with <paramref name="training"/> (train mode) word dropout applies.</summary>
    Tensor Embed(IReadOnlyList<string> texts, Random rng, bool training);

    /// <summary>The trained encoder, its weights copied out of the module.</summary>
    ContextualEncoder ToEncoder(string name);
}

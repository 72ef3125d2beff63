using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNetContextual;

#pragma warning disable IDE1006   // field names are state-dict keys

/// <summary>The DAN in TorchSharp, for training: the mean of a bag of token and bigram embeddings, then Linear layers
/// with tanh between them. <see cref="ToWeights"/> exports it to the managed inference path.</summary>
internal sealed class UseDanModule : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly EmbeddingBag embeddings;
    private readonly ModuleList<Linear> layers;

    public UseDanModule(int rows, int embeddingDimension, IReadOnlyList<int> layerSizes) : base(nameof(UseDanModule))
    {
        embeddings = nn.EmbeddingBag(rows, embeddingDimension, mode: EmbeddingBagMode.Mean, sparse: true);   // sparse gradients: LazyAdam
        var list = new List<Linear>();
        int inputs = embeddingDimension;
        foreach (int size in layerSizes)
        {
            list.Add(nn.Linear(inputs, size));
            inputs = size;
        }
        layers = nn.ModuleList(list.ToArray());
        RegisterComponents();
        using var _ = no_grad();
        nn.init.normal_(embeddings.weight, 0, 0.1);
    }

    /// <summary>Bags → sentence vectors.</summary>
    /// <param name="ids">(N) int64: every bag's ids, one bag after another.</param>
    /// <param name="offsets">(B) int64: where each bag starts in <paramref name="ids"/>.</param>
    /// <returns>(B, D).</returns>
    public override Tensor forward(Tensor ids, Tensor offsets)
    {
        using var scope = NewDisposeScope();
        var x = embeddings.call(ids, offsets, null);           // (B, E)
        for (int l = 0; l < layers.Count; l++)
        {
            x = layers[l].call(x);
            if (l < layers.Count - 1)
                x = x.tanh();
        }
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>The embedding table (its gradient is sparse).</summary>
    public TorchSharp.Modules.Parameter EmbeddingWeight => embeddings.weight;

    public UseDanWeights ToWeights()
    {
        using var _ = no_grad();
        var w = embeddings.weight;
        var result = new List<(float[], float[])>();
        foreach (var layer in layers)
            result.Add((layer.weight.contiguous().data<float>().ToArray(), layer.bias.contiguous().data<float>().ToArray()));
        return new UseDanWeights((int)w.shape[1], w.contiguous().data<float>().ToArray(), result);
    }
}
#pragma warning restore IDE1006

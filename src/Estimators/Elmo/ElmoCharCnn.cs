using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNetContextual;

#pragma warning disable IDE1006   // field names are state-dict keys

/// <summary>
/// bilm-tf's token representation from characters: a character embedding (id 0, a padding token, is all zeros),
/// convolutions of several widths each max-pooled over the characters and passed through the activation, highway
/// layers, and a linear projection down to the LSTM's projection size (when the filter count differs from it).
/// </summary>
internal sealed class ElmoCharCnn : nn.Module<Tensor, Tensor>
{
    private readonly Embedding char_embed;
    private readonly ModuleList<Conv1d> convolutions;
    private readonly ModuleList<ElmoHighway> highways;
    private readonly Linear projection;      // null when the filters already give projection_dim values
    private readonly bool _tanh;

    public ElmoCharCnn(ElmoConfig config) : base(nameof(ElmoCharCnn))
    {
        _tanh = config.Activation == "tanh";
        int e = config.CharEmbeddingDim, n = config.FilterCount;
        char_embed = nn.Embedding(config.CharacterCount, e, padding_idx: 0);
        convolutions = new ModuleList<Conv1d>();
        foreach (var f in config.Filters)
            convolutions.Add(nn.Conv1d(e, f[1], f[0]));
        highways = new ModuleList<ElmoHighway>();
        for (int i = 0; i < config.HighwayLayers; i++)
            highways.Add(new ElmoHighway(n));
        if (n != config.ProjectionDim)
            projection = nn.Linear(n, config.ProjectionDim);
        using (no_grad())
        {
            nn.init.uniform_(char_embed.weight, -1, 1);
            char_embed.weight[0].zero_();
            for (int i = 0; i < convolutions.Count; i++)
            {
                var w = config.Filters[i][0];
                if (_tanh)
                    nn.init.normal_(convolutions[i].weight, 0, Math.Sqrt(1.0 / (w * e)));
                else
                    nn.init.uniform_(convolutions[i].weight, -0.05, 0.05);
                convolutions[i].bias.zero_();
            }
            if (projection != null)
            {
                nn.init.normal_(projection.weight, 0, Math.Sqrt(1.0 / n));
                projection.bias.zero_();
            }
        }
        RegisterComponents();
    }

    public Embedding CharEmbed => char_embed;
    public IList<Conv1d> Convolutions => convolutions;
    public IList<ElmoHighway> Highways => highways;
    public Linear Projection => projection;

    /// <summary>(B, T, C) character ids → (B, T, projection_dim).</summary>
    public override Tensor forward(Tensor ids)
    {
        using var scope = NewDisposeScope();
        long b = ids.shape[0], t = ids.shape[1], c = ids.shape[2];
        var x = char_embed.forward(ids.view(b * t, c)).transpose(1, 2);   // (N, E, C)
        var pooled = new Tensor[convolutions.Count];
        for (int i = 0; i < pooled.Length; i++)
        {
            var conv = convolutions[i].forward(x).amax(2);                  // (N, num): max over positions
            pooled[i] = _tanh ? conv.tanh() : conv.relu();
        }
        var h = cat(pooled, 1);                                             // (N, filters)
        foreach (var highway in highways)
            h = highway.forward(h);
        if (projection != null)
            h = projection.forward(h);
        return h.view(b, t, -1).MoveToOuterDisposeScope();
    }
}
#pragma warning restore IDE1006

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNetContextual;

#pragma warning disable IDE1006   // field names are state-dict keys (bilm-tf: softmax/W, softmax/b)

/// <summary>
/// The word softmax both language models share during pre-training (not part of the published weights). The sampled
/// loss is TensorFlow's sampled_softmax_loss with a log-uniform sampler: the true word's logit against K words drawn
/// (with replacement) from P(k) = log((k + 2)/(k + 1)) / log(V + 1) over the frequency-sorted vocabulary, every logit
/// corrected by −log(K·P), draws that hit the true word removed.
/// </summary>
internal sealed class ElmoSoftmax : nn.Module<Tensor, Tensor>
{
    private readonly Parameter W;
    private readonly Parameter b;
    private readonly int _size;

    public ElmoSoftmax(int vocabulary, int dim) : base(nameof(ElmoSoftmax))
    {
        _size = vocabulary;
        W = nn.Parameter(randn(vocabulary, dim).mul(1.0 / Math.Sqrt(dim)));
        b = nn.Parameter(zeros(vocabulary));
        RegisterComponents();
    }

    /// <summary>(N, P) → (N, V) logits.</summary>
    public override Tensor forward(Tensor h) => nn.functional.linear(h, W, b);

    /// <summary>Mean cross-entropy over the full vocabulary.</summary>
    public Tensor FullLoss(Tensor h, Tensor targets) => nn.functional.cross_entropy(forward(h), targets);

    /// <summary>Mean sampled-softmax loss with <paramref name="samples"/> log-uniform negatives shared by the batch.</summary>
    public Tensor SampledLoss(Tensor h, Tensor targets, int samples)
    {
        using var scope = NewDisposeScope();
        double logRange = Math.Log(_size + 1.0);
        var sampled = rand(samples, dtype: float64).mul(logRange).exp().sub(1).floor().to(int64).clamp(0, _size - 1);   // (K)
        Tensor LogExpected(Tensor ids)
        {
            var k = ids.to(float64);
            return k.add(2).div(k.add(1)).log().div(logRange).mul(samples).log().to(ScalarType.Float32);
        }
        var trueLogits = h.mul(W.index_select(0, targets)).sum(1).add(b.index_select(0, targets)).sub(LogExpected(targets));   // (N)
        var sampledLogits = h.matmul(W.index_select(0, sampled).t()).add(b.index_select(0, sampled)).sub(LogExpected(sampled)); // (N, K)
        var hits = targets.unsqueeze(1).eq(sampled.unsqueeze(0));
        sampledLogits = sampledLogits.masked_fill(hits, -1e9f);
        var logits = cat([trueLogits.unsqueeze(1), sampledLogits], 1);
        var loss = nn.functional.cross_entropy(logits, zeros(targets.shape[0], dtype: int64));
        return loss.MoveToOuterDisposeScope();
    }
}
#pragma warning restore IDE1006

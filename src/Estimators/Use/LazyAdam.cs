using TorchSharp;
using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>
/// Adam for an embedding table with sparse gradients, updating only the rows a batch touched (TensorFlow's LazyAdam):
/// m and v of those rows move as in Adam, with the global step's bias correction. A DAN's table (words, OOV buckets,
/// hashed bigrams: millions of weights) would otherwise cost a dense Adam update of every row at every step.
/// </summary>
internal sealed class LazyAdam : IDisposable
{
    private const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;

    private readonly Tensor _weight, _m, _v;

    public LazyAdam(Tensor weight)
    {
        _weight = weight;
        using var _ = no_grad();
        _m = zeros_like(weight);
        _v = zeros_like(weight);
    }

    /// <summary>Applies the table's (sparse) gradient with learning rate <paramref name="lr"/> at 1-based step <paramref name="step"/>.</summary>
    public void Step(double lr, int step)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var grad = _weight.grad;
        if (grad is null)
            return;
        // The gradient lists a row once per occurrence in the batch: sum the duplicates (TorchSharp has no coalesce).
        var unique = grad.SparseIndices[0].unique(sorted: true, return_inverse: true);
        Tensor rows = unique.Item1, inverse = unique.Item2;                                              // (K), (N)
        var values = zeros(rows.shape[0], _weight.shape[1]).index_add_(0, inverse, grad.SparseValues, 1);   // (K, E)
        var m = _m.index_select(0, rows).mul_(Beta1).add_(values, alpha: 1 - Beta1);
        var v = _v.index_select(0, rows).mul_(Beta2).addcmul_(values, values, value: 1 - Beta2);
        _m.index_copy_(0, rows, m);
        _v.index_copy_(0, rows, v);
        double c1 = 1 - Math.Pow(Beta1, step), c2 = 1 - Math.Pow(Beta2, step);
        var update = m.div(c1).div_(v.div(c2).sqrt_().add_(Epsilon)).mul_(-lr);
        _weight.index_add_(0, rows, update, 1);
        _weight.grad = null;
    }

    public void Dispose()
    {
        _m.Dispose();
        _v.Dispose();
    }
}

using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>
/// Mirror-BERT's InfoNCE loss (the reference uses pytorch-metric-learning's <c>NTXentLoss</c> with cosine similarity):
/// for 2B views where view i and view i ± B are the two copies of one string,
/// ℓ_i = −log( exp(cos(z_i, z_p)/τ) / Σ_{k ≠ i} exp(cos(z_i, z_k)/τ) ), p the twin of i, averaged over all 2B views.
/// Each view's denominator holds its twin and the 2B − 2 other views of the batch as negatives (a string that occurs twice
/// in a batch is its own negative there, as in the reference, whose labels are batch positions).
/// </summary>
internal static class MirrorBertLoss
{
    /// <param name="views">(2B, H): rows 0..B−1 the first copies, rows B..2B−1 their twins in the same order.</param>
    /// <param name="temperature">τ &gt; 0.</param>
    /// <returns>The mean loss, a scalar with gradients.</returns>
    public static Tensor InfoNce(Tensor views, double temperature)
    {
        long n = views.shape[0];
        if (views.dim() != 2 || n < 4 || n % 2 != 0)
            throw new ArgumentException($"InfoNCE needs (2B, H) views with B ≥ 2; got shape [{string.Join(", ", views.shape)}].", nameof(views));
        using var scope = NewDisposeScope();
        long b = n / 2;
        var z = nn.functional.normalize(views, p: 2, dim: 1);                              // (2B, H), unit rows
        var logits = z.matmul(z.t()).div(temperature);                                      // (2B, 2B) cos / τ
        using var self = eye(n, dtype: ScalarType.Bool, device: views.device);
        logits = logits.masked_fill(self, double.NegativeInfinity);                         // a view is not its own negative
        var twins = cat([arange(b, n, dtype: ScalarType.Int64), arange(0, b, dtype: ScalarType.Int64)]).to(views.device);
        return nn.functional.cross_entropy(logits, twins).MoveToOuterDisposeScope();
    }
}

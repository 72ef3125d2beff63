using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MLNetContextual;

// Field names are the state-dict keys read back by TopicNetworkWeights (snake_case as in the reference implementation).
#pragma warning disable IDE1006

/// <summary>
/// The inference network q(z | d) of a contextualized topic model: CombinedTM reads [bag of words; adapt_bert(embedding)],
/// ZeroShotTM the embedding only; then input_layer, activation, the hidden layers (each Linear + activation), dropout,
/// and two heads, μ and log σ² (the reference calls it log_sigma but uses it as a log variance), each followed by a
/// batch normalisation without affine parameters.
/// </summary>
internal sealed class TopicInferenceNetwork : Module<Tensor, Tensor, (Tensor Mu, Tensor LogVar)>
{
    private readonly Linear adapt_bert;          // Combined only: (D) -> (V)
    private readonly Linear input_layer;
    private readonly ModuleList<Linear> hiddens;
    private readonly Linear f_mu, f_sigma;
    private readonly BatchNorm1d f_mu_batchnorm, f_sigma_batchnorm;
    private readonly Dropout dropout_enc;
    private readonly TopicNetworkActivation activation;

    public TopicInferenceNetwork(TopicModelConfig c) : base(nameof(TopicInferenceNetwork))
    {
        activation = c.Activation;
        if (c.Variant == ContextualTopicModelVariant.Combined)
            adapt_bert = Linear(c.EmbeddingSize, c.VocabularySize);
        long inputSize = c.Variant == ContextualTopicModelVariant.Combined ? 2L * c.VocabularySize : c.EmbeddingSize;
        input_layer = Linear(inputSize, c.HiddenSizes[0]);
        hiddens = new ModuleList<Linear>();
        for (int i = 1; i < c.HiddenSizes.Length; i++)
            hiddens.Add(Linear(c.HiddenSizes[i - 1], c.HiddenSizes[i]));
        f_mu = Linear(c.HiddenSizes[^1], c.Topics);
        f_sigma = Linear(c.HiddenSizes[^1], c.Topics);
        f_mu_batchnorm = BatchNorm1d(c.Topics, affine: false);
        f_sigma_batchnorm = BatchNorm1d(c.Topics, affine: false);
        dropout_enc = Dropout(c.Dropout);
        RegisterComponents();
    }

    private Tensor Activate(Tensor x) => activation == TopicNetworkActivation.Softplus ? functional.softplus(x) : functional.relu(x);

    /// <param name="bow">(B, V) word counts.</param>
    /// <param name="embedding">(B, D) sentence embeddings.</param>
    /// <returns>μ and log σ², each (B, K).</returns>
    public override (Tensor Mu, Tensor LogVar) forward(Tensor bow, Tensor embedding)
    {
        using var scope = NewDisposeScope();
        var x = adapt_bert is null ? embedding : cat([bow, adapt_bert.call(embedding)], 1);   // (B, 2V) or (B, D)
        x = Activate(input_layer.call(x));
        foreach (var layer in hiddens)
            x = Activate(layer.call(x));
        x = dropout_enc.call(x);
        var mu = f_mu_batchnorm.call(f_mu.call(x));
        var logVar = f_sigma_batchnorm.call(f_sigma.call(x));
        return (mu.MoveToOuterDisposeScope(), logVar.MoveToOuterDisposeScope());
    }
}

/// <summary>
/// ProdLDA with a contextual inference network: θ = softmax(μ + σ·ε), dropout on θ, word distribution
/// softmax(BatchNorm(θ·β)); a Gaussian prior on the pre-softmax θ with mean 0 and variance 1 − 1/K (learnable).
/// </summary>
internal sealed class ProdLdaNetwork : Module<Tensor, Tensor, ProdLdaOutput>
{
    private readonly TopicInferenceNetwork inf_net;
    private readonly Parameter prior_mean, prior_variance;
    private readonly Parameter beta;                 // (K, V) topic-word weights
    private readonly BatchNorm1d beta_batchnorm;
    private readonly Dropout drop_theta;

    public ProdLdaNetwork(TopicModelConfig c) : base(nameof(ProdLdaNetwork))
    {
        inf_net = new TopicInferenceNetwork(c);
        prior_mean = Parameter(zeros(c.Topics), requires_grad: c.LearnPriors);
        prior_variance = Parameter(full(c.Topics, 1.0 - 1.0 / c.Topics), requires_grad: c.LearnPriors);
        beta = Parameter(empty(c.Topics, c.VocabularySize));
        init.xavier_uniform_(beta);
        beta_batchnorm = BatchNorm1d(c.VocabularySize, affine: false);
        drop_theta = Dropout(c.Dropout);
        RegisterComponents();
    }

    public override ProdLdaOutput forward(Tensor bow, Tensor embedding)
    {
        using var scope = NewDisposeScope();
        var (mu, logVar) = inf_net.call(bow, embedding);
        var eps = randn_like(mu);
        var theta = functional.softmax(mu + eps * exp(0.5 * logVar), 1);    // (B, K)
        theta = drop_theta.call(theta);
        var wordDist = functional.softmax(beta_batchnorm.call(matmul(theta, beta)), 1);   // (B, V)
        return new ProdLdaOutput(mu.MoveToOuterDisposeScope(), logVar.MoveToOuterDisposeScope(), wordDist.MoveToOuterDisposeScope());
    }

    /// <summary>The negative ELBO of each document: KL(q ‖ prior) + reconstruction, (B).</summary>
    public Tensor Loss(Tensor bow, ProdLdaOutput o)
    {
        using var scope = NewDisposeScope();
        long k = o.Mu.shape[1];
        var varDivision = (exp(o.LogVar) / prior_variance).sum(1);
        var diff = prior_mean - o.Mu;
        var diffTerm = (diff * diff / prior_variance).sum(1);
        var logDetDivision = prior_variance.log().sum() - o.LogVar.sum(1);
        var kl = 0.5 * (varDivision + diffTerm - k + logDetDivision);
        var reconstruction = -(bow * log(o.WordDist + 1e-10)).sum(1);
        return (kl + reconstruction).MoveToOuterDisposeScope();
    }
}

/// <summary>μ and log σ² (B, K) and the reconstructed word distribution (B, V).</summary>
internal sealed record ProdLdaOutput(Tensor Mu, Tensor LogVar, Tensor WordDist) : IDisposable
{
    public void Dispose()
    {
        Mu.Dispose();
        LogVar.Dispose();
        WordDist.Dispose();
    }
}

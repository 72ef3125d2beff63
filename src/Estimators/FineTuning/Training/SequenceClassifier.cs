using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNetContextual;

#pragma warning disable IDE1006 // field names are state-dict keys, as in Hugging Face's BertForSequenceClassification

/// <summary>
/// A sequence classifier over any token encoder. By default BERT's recipe (Hugging Face
/// BertForSequenceClassification): the encoder's pooled vector (BERT: tanh(Dense(h_[CLS]))), dropout, a linear layer to
/// one logit per class (one in all for binary). With a learned scalar mix, ELMo's recipe: γ · Σ_j softmax(w)_j · h_j over
/// all the encoder's layers, mean-pooled over the real tokens. A frozen encoder runs in eval mode without gradients.
/// </summary>
internal sealed class SequenceClassifier : nn.Module<IReadOnlyList<EncodedText>, Tensor>
{
    private readonly nn.Module bert;          // "bert": the key prefix BertForSequenceClassification gives the encoder
    private readonly Dropout dropout;
    private readonly Linear classifier;
    private readonly ScalarMix scalar_mix;    // null without a learned mix
    private readonly bool _frozen, _meanPooling;     // (no module-typed field beyond the registered ones: RegisterComponents would add it)

    public SequenceClassifier(ITokenEncoderModule encoder, int outputs, double headDropout, bool learnScalarMix, bool frozen, bool meanPooling = false)
        : base(nameof(SequenceClassifier))
    {
        _meanPooling = meanPooling;
        _frozen = frozen;
        bert = encoder.AsModule();
        dropout = nn.Dropout(headDropout);
        classifier = nn.Linear(encoder.HiddenSize, outputs);
        if (learnScalarMix)
            scalar_mix = new ScalarMix(encoder.LayerCount);
        using (no_grad())
        {
            nn.init.normal_(classifier.weight, 0, 0.02);
            classifier.bias.zero_();
        }
        RegisterComponents();
        if (frozen)
            foreach (var p in bert.parameters())
                p.requires_grad = false;
    }

    public ITokenEncoderModule Encoder => (ITokenEncoderModule)bert;
    public ScalarMix Mix => scalar_mix;
    public Linear Head => classifier;

    /// <summary>What trains when the encoder does not: the output layer and, with one, the scalar mix.</summary>
    public IEnumerable<TorchSharp.Modules.Parameter> HeadParameters() =>
        scalar_mix == null ? classifier.parameters() : classifier.parameters().Concat(scalar_mix.parameters());

    /// <summary>A batch of tokenized texts → (B, outputs) logits.</summary>
    public override Tensor forward(IReadOnlyList<EncodedText> batch)
    {
        using var scope = NewDisposeScope();
        EncoderOutput output;
        if (_frozen)
        {
            if (bert.training)
                bert.eval();   // no dropout inside a frozen encoder
            using (no_grad())
                output = Encoder.Encode(batch);
        }
        else
            output = Encoder.Encode(batch);

        Tensor pooled;
        if (scalar_mix != null)
            pooled = MeanOverTokens(scalar_mix.forward(output.Layers), output.Mask);   // (B, H)
        else
            pooled = _meanPooling || output.Pooled is null ? MeanOverTokens(output.Layers[^1], output.Mask) : output.Pooled;
        return classifier.forward(dropout.forward(pooled)).MoveToOuterDisposeScope();
    }

    /// <summary>What the head reads of a batch, computed once per example with the encoder in eval mode and without
    /// gradients (a frozen encoder, or the head-only epochs before fine-tuning) — the mean over the real tokens of every
    /// layer (B, L, H) with a mix (mean-pooling commutes with the mix: both are linear), else the one pooled vector (B, 1, H).</summary>
    public Tensor FrozenFeatures(IReadOnlyList<EncodedText> batch)
    {
        using var scope = NewDisposeScope();
        if (bert.training)
            bert.eval();
        using var grad = no_grad();
        var output = Encoder.Encode(batch);
        Tensor features = scalar_mix != null
            ? stack(output.Layers.Select(l => MeanOverTokens(l, output.Mask)).ToArray(), 1)                       // (B, L, H)
            : (_meanPooling || output.Pooled is null ? MeanOverTokens(output.Layers[^1], output.Mask) : output.Pooled).unsqueeze(1);
        return features.MoveToOuterDisposeScope();
    }

    /// <summary>(B, L or 1, H) features from <see cref="FrozenFeatures"/> → (B, outputs) logits: the same numbers as
    /// <see cref="forward"/> on the texts, without running the encoder again.</summary>
    public Tensor ForwardFeatures(Tensor features)
    {
        using var scope = NewDisposeScope();
        Tensor pooled = scalar_mix != null
            ? scalar_mix.forward(Enumerable.Range(0, (int)features.shape[1]).Select(l => features.select(1, l)).ToArray())   // (B, H)
            : features.select(1, 0);
        return classifier.forward(dropout.forward(pooled)).MoveToOuterDisposeScope();
    }

    private static Tensor MeanOverTokens(Tensor states, Tensor mask)
    {
        var m = mask.unsqueeze(-1);                       // (B, T, 1)
        return states.mul(m).sum(1).div(m.sum(1).clamp_min(1));            // (B, H)
    }
}
#pragma warning restore IDE1006

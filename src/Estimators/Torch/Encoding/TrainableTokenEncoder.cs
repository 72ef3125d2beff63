namespace MLNetContextual;

/// <summary>
/// A token encoder with a TorchSharp model that the trainers can fine-tune, or run frozen under a learned scalar mix
/// (the feature-based recipe of the ELMo and BERT papers). Like every <see cref="ContextualEncoder"/> it can also be
/// applied by the transforms (<c>ApplyContextualEmbedding</c>, ...), run by TorchSharp.
/// </summary>
/// <remarks>A new trainable encoder implements the tokenizer (<see cref="CreateTokenizer"/>), the model
/// (<see cref="CreateModule"/>), <see cref="WithWeights"/> and <see cref="ContextualEncoder.Save"/>, and registers its loader
/// as every encoder does.</remarks>
public abstract class TrainableTokenEncoder : ContextualEncoder
{
    /// <summary>For derived encoders.</summary>
    protected TrainableTokenEncoder() { }

    /// <summary>The tokenizer, shared by training and inference.</summary>
    public abstract ITextTokenizer CreateTokenizer();

    /// <summary>Builds the model with this encoder's weights (random for an untrained one, drawn from TorchSharp's seeded
    /// generator); in eval mode. The caller disposes it.</summary>
    public abstract ITokenEncoderModule CreateModule();

    /// <summary>This encoder with a copy of <paramref name="module"/>'s current weights: what a fine-tuned model's encoder
    /// is, so that the transforms can apply it.</summary>
    public abstract TrainableTokenEncoder WithWeights(ITokenEncoderModule module);

    /// <summary>Whether a session keeps a copy of the weights it built (for descriptions that read files or draw random
    /// weights), so that saving writes what was run and does not depend on the files still existing.</summary>
    protected internal virtual bool SnapshotsWeights => false;

    /// <inheritdoc />
    public override IEncoderSession Open(EncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(this);
        return new TorchTokenSession(this, options);
    }
}

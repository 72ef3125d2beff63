using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace MLNetContextual;

// Field names are Hugging Face's state-dict keys (LayerNorm included), so checkpoints load as they are.
#pragma warning disable IDE1006

/// <summary>Word + position + segment embeddings, then LayerNorm and dropout.</summary>
internal sealed class BertEmbeddings : Module<Tensor, Tensor, Tensor>
{
    private readonly Embedding word_embeddings;
    private readonly Embedding position_embeddings;
    private readonly Embedding token_type_embeddings;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;
    private readonly long maxPositions;

    public BertEmbeddings(BertConfig config) : base(nameof(BertEmbeddings))
    {
        word_embeddings = Embedding(config.VocabSize, config.HiddenSize);
        position_embeddings = Embedding(config.MaxPositionEmbeddings, config.HiddenSize);
        token_type_embeddings = Embedding(config.TypeVocabSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm([config.HiddenSize], config.LayerNormEps);
        dropout = Dropout(config.HiddenDropoutProb);
        maxPositions = config.MaxPositionEmbeddings;
        RegisterComponents();
    }

    /// <param name="inputIds">(B, T) int64 word-piece ids.</param>
    /// <param name="tokenTypeIds">(B, T) int64 segment ids.</param>
    /// <returns>(B, T, H)</returns>
    public override Tensor forward(Tensor inputIds, Tensor tokenTypeIds)
    {
        using var scope = NewDisposeScope();
        long t = inputIds.shape[1];
        if (t > maxPositions)
            throw new ArgumentOutOfRangeException(nameof(inputIds), $"Cannot encode a sequence of {t} tokens; this model has only {maxPositions} positions.");
        var positions = arange(t, dtype: int64, device: inputIds.device).unsqueeze(0);   // (1, T)
        var x = word_embeddings.call(inputIds) + token_type_embeddings.call(tokenTypeIds) + position_embeddings.call(positions);
        return dropout.call(LayerNorm.call(x)).MoveToOuterDisposeScope();
    }
}

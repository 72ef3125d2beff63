using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>
/// The TorchSharp model of a <see cref="TrainableTokenEncoder"/>: a batch of token ids → the hidden states of every
/// layer. Implemented by an <c>nn.Module</c> (returned by <see cref="AsModule"/>), so trainers can train it, freeze it
/// and save its state dict.
/// </summary>
public interface ITokenEncoderModule : IDisposable
{
    /// <summary>Length of every token vector (H).</summary>
    int HiddenSize { get; }

    /// <summary>Hidden states <see cref="Encode"/> returns (BERT: layers + 1, the embeddings first).</summary>
    int LayerCount { get; }

    /// <summary>The module itself (for parameters, train/eval, state dicts).</summary>
    nn.Module AsModule();

    /// <summary>Encodes a batch of tokenized texts (from the encoder's <see cref="ITextTokenizer"/>), padded to the
    /// longest: the module builds its own input tensors (BERT: ids, mask, token types; ELMo: character ids).</summary>
    /// <returns>Every layer's (B, T, H) states, the (B, T) mask of real tokens, and, when the encoder has one, its pooled
    /// (B, H) sentence vector.</returns>
    EncoderOutput Encode(IReadOnlyList<EncodedText> batch);
}

/// <summary>What <see cref="ITokenEncoderModule.Encode"/> returns; the tensors belong to the caller's dispose scope.</summary>
/// <param name="Layers">(B, T, H) per layer, layer 0 first.</param>
/// <param name="Mask">(B, T) float: 1 for real tokens, 0 for padding.</param>
/// <param name="Pooled">(B, H): the encoder's own pooled vector (BERT: tanh(Dense(h_[CLS]))); null when it has none.</param>
public sealed record EncoderOutput(IReadOnlyList<Tensor> Layers, Tensor Mask, Tensor Pooled);

namespace MLNetContextual;

/// <summary>
/// The text side of a token encoder, without the model: text (or a pair) → the model's input tokens with character
/// offsets. One tokenizer serves training and inference.
/// </summary>
public interface ITextTokenizer
{
    /// <summary>Special tokens <see cref="Assemble"/> adds around one text (BERT: 2).</summary>
    int SpecialTokenCount { get; }

    /// <summary>The id padding positions get in a batch.</summary>
    int PadId { get; }

    /// <summary>Tokenizes <paramref name="text"/> (and <paramref name="secondText"/> for a pair), truncated to
    /// <paramref name="maxTokens"/> tokens, special tokens included; null is the empty text.</summary>
    EncodedText Encode(string text, string secondText, int maxTokens);

    /// <summary>The text's tokens without special tokens and without truncation.</summary>
    IReadOnlyList<EncoderToken> Split(string text);

    /// <summary>The model input for <paramref name="count"/> of <paramref name="tokens"/> from <paramref name="start"/>,
    /// with the special tokens added.</summary>
    EncodedText Assemble(IReadOnlyList<EncoderToken> tokens, int start, int count);
}

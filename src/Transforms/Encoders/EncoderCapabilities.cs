namespace MLNetContextual;

/// <summary>What a loaded <see cref="ContextualEncoder"/> offers; transforms ask for what they need.</summary>
[Flags]
public enum EncoderCapabilities
{
    /// <summary>Nothing.</summary>
    None = 0,
    /// <summary>Hidden states per token with character offsets (<see cref="ITokenEncoder"/>): pooling, word spans, token output, layers.</summary>
    TokenVectors = 1,
    /// <summary>One vector per text of its own (<see cref="ISentenceEncoder"/>), e.g. a deep averaging network.</summary>
    SentenceVectors = 2,
    /// <summary>Encodes a pair of texts together (with <see cref="TokenVectors"/>): <see cref="ITokenEncoder.Encode"/> accepts a second text.</summary>
    TextPairs = 4,
}

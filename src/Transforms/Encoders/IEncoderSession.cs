namespace MLNetContextual;

/// <summary>A loaded encoder (from <see cref="ContextualEncoder.Open"/>). Dispose it to release its native resources;
/// implementations must be safe to call from several threads at once.</summary>
public interface IEncoderSession : IDisposable
{
    /// <summary>The encoder this session runs.</summary>
    ContextualEncoder Encoder { get; }

    /// <summary>Length of every vector it gives (hidden size, or the sentence vector's size).</summary>
    int Dimension { get; }
}

/// <summary>Text → one vector, for encoders such as a deep averaging network that have no token states.</summary>
public interface ISentenceEncoder : IEncoderSession
{
    /// <summary>Sets <c>vectors[i]</c> to a new array holding the vector of <c>texts[i]</c> (null text: the empty text).</summary>
    void EmbedSentences(ReadOnlySpan<string> texts, Span<float[]> vectors);
}

/// <summary>
/// Text (or a text pair) → tokens with character offsets → hidden states of every layer it has
/// ([layers × tokens × dimension]). Layer 0 is the token representation fed to the first contextual layer (BERT: the
/// embeddings; ELMo: the character CNN), layer <see cref="LayerCount"/> − 1 the last.
/// </summary>
public interface ITokenEncoder : IEncoderSession
{
    /// <summary>Hidden states available per token (BERT: layers + 1; an ONNX graph that exposes only its last output: 1).</summary>
    int LayerCount { get; }

    /// <summary>Most tokens per text (or pair), special tokens included, as the session was opened with.</summary>
    int MaxTokens { get; }

    /// <summary>Special tokens <see cref="Assemble"/> adds around one text (BERT: 2, [CLS] and [SEP]).</summary>
    int SpecialTokenCount { get; }

    /// <summary>Tokenizes <paramref name="text"/> (and <paramref name="secondText"/> for a pair) into the model's input,
    /// truncated to <see cref="MaxTokens"/>; null is the empty text.</summary>
    EncodedText Encode(string text, string secondText = null);

    /// <summary>The text's tokens without special tokens and without truncation, each with its character span.</summary>
    IReadOnlyList<EncoderToken> Split(string text);

    /// <summary>The model input for <paramref name="count"/> of <paramref name="tokens"/> from <paramref name="start"/>,
    /// with the special tokens added (at most <see cref="MaxTokens"/> − <see cref="SpecialTokenCount"/> tokens).</summary>
    EncodedText Assemble(IReadOnlyList<EncoderToken> tokens, int start, int count);

    /// <summary>
    /// Runs the model over <paramref name="texts"/> (batched as it sees fit) and hands each row's states to
    /// <paramref name="use"/> with the row's index. The states hold the layers listed in <paramref name="layers"/>, in that
    /// order, and are valid only during the call.
    /// </summary>
    void Run(IReadOnlyList<EncodedText> texts, IReadOnlyList<int> layers, Action<int, TokenStates> use);
}

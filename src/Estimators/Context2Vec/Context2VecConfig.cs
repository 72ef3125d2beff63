namespace MLNetContextual;

/// <summary>
/// The shape of a context2vec model (Melamud et al. 2016; orenmel/context2vec, <c>BiLstmContext</c> with
/// <c>--deep yes</c>): word embeddings of <see cref="WordEmbeddingDim"/> for each direction, one LSTM layer of
/// <see cref="LstmHiddenDim"/> units per direction, an MLP of <see cref="MlpHiddenDim"/> units (ReLU) over the two
/// directions' states, and <see cref="ContextDim"/>, the size of both the context vector and the target-word
/// embeddings. Defaults are a small model that trains on a CPU (100/200/400/200); <see cref="Published"/> is the
/// reference code's shape for <c>-u 300</c> (300/600/1200/600: LSTM and target sizes are 2 × the word embedding, the MLP
/// hidden layer 2 × the LSTM).
/// </summary>
public sealed class Context2VecConfig
{
    /// <summary>Size of the context-word embeddings; each direction has its own table (reference: <c>-u</c>, 300).</summary>
    public int WordEmbeddingDim { get; set; } = 100;

    /// <summary>Units of each direction's LSTM (reference: 2 × <c>-u</c>).</summary>
    public int LstmHiddenDim { get; set; } = 200;

    /// <summary>Units of the MLP's hidden layer, ReLU after it (reference: 2 × the LSTM, the size of the concatenated states).</summary>
    public int MlpHiddenDim { get; set; } = 400;

    /// <summary>Size of the context vector and of the target-word embeddings (reference: 2 × <c>-u</c>).</summary>
    public int ContextDim { get; set; } = 200;

    /// <summary>The reference code's shape for its documented <c>-u 300 --deep yes</c> (300/600/1200/600).</summary>
    public static Context2VecConfig Published => new() { WordEmbeddingDim = 300, LstmHiddenDim = 600, MlpHiddenDim = 1200, ContextDim = 600 };

    /// <summary>A copy.</summary>
    public Context2VecConfig Clone() => (Context2VecConfig)MemberwiseClone();

    /// <summary>Throws naming the first size that is not positive.</summary>
    public void Validate()
    {
        static void Check(int value, string name)
        {
            if (value < 1)
                throw new ArgumentOutOfRangeException(name, $"{name} is {value}; it must be at least 1.");
        }
        Check(WordEmbeddingDim, nameof(WordEmbeddingDim));
        Check(LstmHiddenDim, nameof(LstmHiddenDim));
        Check(MlpHiddenDim, nameof(MlpHiddenDim));
        Check(ContextDim, nameof(ContextDim));
    }
}

namespace MLNetContextual;

/// <summary>
/// The shape of a Cross-View Training tagger (Clark et al. 2018; tensorflow/models research/cvt_text): word embeddings
/// of <see cref="WordEmbeddingDim"/> concatenated with a character CNN (<see cref="CharEmbeddingDim"/>-d character
/// embeddings, <see cref="CharFilters"/> filters of each width in <see cref="CharFilterWidths"/>, ReLU, max over the
/// characters), a first biLSTM of <see cref="FirstLayerDim"/> units per direction, a second biLSTM of
/// <see cref="SecondLayerDim"/> units per direction over the first one's outputs, and prediction modules of one hidden
/// layer of <see cref="PredictionHiddenDim"/> units. Defaults are a small model that trains in minutes on a 2-core CPU
/// (50 / 16 / 3 × 30 / 128 / 64 / 64); <see cref="Published"/> is the reference configuration (300 / 50 / 3 × 100 /
/// 1024 / 512 / 512).
/// </summary>
/// <remarks>The reference's LSTM cells project their outputs to 512 (<c>LSTMCell(num_proj=512)</c>); these LSTMs have
/// no projection (TorchSharp's and the managed cell are PyTorch's plain LSTM), so a direction's output has as many values
/// as it has units.</remarks>
public sealed class CrossViewConfig
{
    /// <summary>Size of the word embeddings (reference: 300, GloVe 6B 300d). With pretrained vectors it must equal their dimension.</summary>
    public int WordEmbeddingDim { get; set; } = 50;

    /// <summary>Size of the character embeddings (reference: 50).</summary>
    public int CharEmbeddingDim { get; set; } = 16;

    /// <summary>Widths of the character convolutions (reference: 2, 3, 4).</summary>
    public int[] CharFilterWidths { get; set; } = [2, 3, 4];

    /// <summary>Filters per width (reference: 100).</summary>
    public int CharFilters { get; set; } = 30;

    /// <summary>Characters read per word: longer words are cut at the end, shorter ones padded to this length, so a word's
    /// character features never depend on the other words of its batch (reference: 20).</summary>
    public int MaxWordLength { get; set; } = 20;

    /// <summary>Units per direction of the first biLSTM, the layer the auxiliary modules read (reference: 1024).</summary>
    public int FirstLayerDim { get; set; } = 128;

    /// <summary>Units per direction of the second biLSTM (reference: 512).</summary>
    public int SecondLayerDim { get; set; } = 64;

    /// <summary>Hidden units of every prediction module (reference: <c>projection_size</c>, 512).</summary>
    public int PredictionHiddenDim { get; set; } = 64;

    /// <summary>The reference's configuration for CoNLL-2003 and POS (300 / 50 / [2, 3, 4] × 100 / 1024 / 512 / 512).</summary>
    public static CrossViewConfig Published => new()
    {
        WordEmbeddingDim = 300, CharEmbeddingDim = 50, CharFilterWidths = [2, 3, 4], CharFilters = 100, MaxWordLength = 20,
        FirstLayerDim = 1024, SecondLayerDim = 512, PredictionHiddenDim = 512,
    };

    /// <summary>Values per token fed to the first biLSTM: the word embedding and the character features.</summary>
    public int TokenDim => WordEmbeddingDim + (CharFilterWidths?.Length ?? 0) * CharFilters;

    /// <summary>Values per token the primary module reads (and the encoder gives): [h1_fwd; h1_bwd; h2_fwd; h2_bwd].</summary>
    public int StateDim => 2 * FirstLayerDim + 2 * SecondLayerDim;

    /// <summary>A copy.</summary>
    public CrossViewConfig Clone()
    {
        var c = (CrossViewConfig)MemberwiseClone();
        c.CharFilterWidths = CharFilterWidths?.ToArray();
        return c;
    }

    /// <summary>Throws naming the first size that is out of range.</summary>
    public void Validate()
    {
        static void Check(int value, string name, int min = 1)
        {
            if (value < min)
                throw new ArgumentOutOfRangeException(name, $"{name} is {value}; it must be at least {min}.");
        }
        Check(WordEmbeddingDim, nameof(WordEmbeddingDim));
        Check(CharEmbeddingDim, nameof(CharEmbeddingDim));
        Check(CharFilters, nameof(CharFilters));
        Check(FirstLayerDim, nameof(FirstLayerDim));
        Check(SecondLayerDim, nameof(SecondLayerDim));
        Check(PredictionHiddenDim, nameof(PredictionHiddenDim));
        if (CharFilterWidths is not { Length: > 0 } || CharFilterWidths.Any(w => w < 1))
            throw new ArgumentOutOfRangeException(nameof(CharFilterWidths),
                $"CharFilterWidths is [{string.Join(", ", CharFilterWidths ?? [])}]; it needs at least one width, each at least 1.");
        Check(MaxWordLength, nameof(MaxWordLength), CharFilterWidths.Max());
    }
}

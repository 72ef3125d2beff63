namespace MLNetContextual;

/// <summary>
/// Hidden states of one encoded text, [layers × tokens × dimension], for the layers a caller asked
/// <see cref="ITokenEncoder.Run"/> for. Valid only inside the callback that receives it.
/// </summary>
public abstract class TokenStates
{
    /// <summary>Layers held (as many as were asked for).</summary>
    public abstract int LayerCount { get; }

    /// <summary>Tokens of the text (its <see cref="EncodedText.Length"/>; padding excluded).</summary>
    public abstract int TokenCount { get; }

    /// <summary>Length of each token vector.</summary>
    public abstract int Dimension { get; }

    /// <summary>All token vectors of the <paramref name="layer"/>-th requested layer, [tokens × dimension] row-major.</summary>
    public abstract ReadOnlySpan<float> Layer(int layer);

    /// <summary>The vector of token <paramref name="token"/> in the <paramref name="layer"/>-th requested layer.</summary>
    public ReadOnlySpan<float> Token(int layer, int token) => Layer(layer).Slice(token * Dimension, Dimension);

    /// <summary>States held in one managed array, [layers × tokens × dimension].</summary>
    public sealed class Dense : TokenStates
    {
        private readonly float[] _data;
        private readonly int _layers, _tokens, _dimension, _offset;

        /// <summary>Wraps <paramref name="data"/> from <paramref name="offset"/>: <paramref name="layers"/> blocks of tokens × dimension.</summary>
        public Dense(float[] data, int layers, int tokens, int dimension, int offset = 0)
        {
            ArgumentNullException.ThrowIfNull(data);
            if (offset < 0 || (long)offset + (long)layers * tokens * dimension > data.Length)
                throw new ArgumentOutOfRangeException(nameof(data), $"{layers} × {tokens} × {dimension} floats from {offset} do not fit in an array of {data.Length}.");
            (_data, _layers, _tokens, _dimension, _offset) = (data, layers, tokens, dimension, offset);
        }

        /// <inheritdoc />
        public override int LayerCount => _layers;
        /// <inheritdoc />
        public override int TokenCount => _tokens;
        /// <inheritdoc />
        public override int Dimension => _dimension;
        /// <inheritdoc />
        public override ReadOnlySpan<float> Layer(int layer) =>
            _data.AsSpan(_offset + layer * _tokens * _dimension, _tokens * _dimension);
    }
}

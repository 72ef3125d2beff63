namespace MLNetContextual;

/// <summary>How <see cref="StaticEmbeddings.Load(string, StaticEmbeddingsLoadOptions)"/> reads a word-vector file.</summary>
public sealed class StaticEmbeddingsLoadOptions
{
    /// <summary>The file format; <see cref="StaticEmbeddingsFormat.Auto"/> (the default) detects it from the content.</summary>
    public StaticEmbeddingsFormat Format { get; set; } = StaticEmbeddingsFormat.Auto;

    /// <summary>
    /// Accept NaN and ±Infinity (and text numbers too large for float32, which parse as Infinity) in the vectors. Off by
    /// default: such a value makes every pooled output it touches NaN, so the file is rejected with the line (text) or
    /// byte offset (binary) of the first one.
    /// </summary>
    public bool AllowNonFiniteValues { get; set; }

    internal void Validate()
    {
        if (!Enum.IsDefined(Format))
            throw new ArgumentOutOfRangeException(nameof(Format), $"StaticEmbeddingsLoadOptions.Format is {(int)Format}; expected one of {string.Join(", ", Enum.GetNames<StaticEmbeddingsFormat>())}.");
    }
}

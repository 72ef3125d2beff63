namespace MLNetContextual;

/// <summary>File formats that <see cref="StaticEmbeddings.Load(string, StaticEmbeddingsFormat)"/> reads.</summary>
public enum StaticEmbeddingsFormat
{
    /// <summary>Detect the format from the file's first bytes (the default).</summary>
    Auto = 0,
    /// <summary>word2vec binary: a "V D" text header, then each word, a space, and D little-endian float32s.</summary>
    Word2VecBinary,
    /// <summary>word2vec text: a "V D" header line, then one "word x1 … xD" line per word.</summary>
    Word2VecText,
    /// <summary>GloVe text: no header, one "word x1 … xD" line per word; a word may contain spaces (the last D fields are the vector).</summary>
    GloVeText,
    /// <summary>fastText .vec: word2vec text whose lines end with a space, as fastText writes them.</summary>
    FastTextVec,
}

using System.Globalization;

namespace MLNetContextual;

/// <summary>
/// A table of static word vectors (word2vec, GloVe, fastText): a vocabulary of <see cref="Count"/> words, each with a
/// vector of <see cref="Dimension"/> floats. Load one with <see cref="Load(string, StaticEmbeddingsFormat)"/>, or learn
/// one with <c>LearnWord2Vec</c> / <c>LearnGloVe</c>; apply it to a token column with <c>ApplyStaticWordEmbedding</c>.
/// </summary>
/// <remarks>
/// Words are matched exactly (ordinal, case-sensitive): lower-case the tokens when the vectors are lower-case (GloVe 6B).
/// When a file lists a word twice, the first vector is kept. Instances are immutable and safe to share across threads.
/// </remarks>
public sealed class StaticEmbeddings
{
    private readonly string[] words;
    private readonly float[] vectors;                 // (Count, Dimension), row-major
    private readonly Dictionary<string, int> index;
    private float[] inverseNorms;                     // computed on the first similarity query

    /// <summary>Builds a table from words and their vectors, concatenated row by row.</summary>
    /// <param name="words">The vocabulary, one entry per row of <paramref name="vectors"/>; no duplicates, no empty words.</param>
    /// <param name="vectors">Count × dimension floats, row-major. The array is copied.</param>
    /// <param name="dimension">Floats per word, at least 1.</param>
    public StaticEmbeddings(IReadOnlyList<string> words, ReadOnlySpan<float> vectors, int dimension)
        : this(CheckWords(words), CheckVectors(words, vectors, dimension), dimension, StaticEmbeddingsFormat.Auto)
    {
    }

    internal StaticEmbeddings(string[] words, float[] vectors, int dimension, StaticEmbeddingsFormat sourceFormat)
    {
        this.words = words;
        this.vectors = vectors;
        Dimension = dimension;
        SourceFormat = sourceFormat;
        index = new Dictionary<string, int>(words.Length, StringComparer.Ordinal);
        for (int i = 0; i < words.Length; i++)
            if (!index.TryAdd(words[i], i))
                throw new ArgumentException($"The word '{words[i]}' appears twice (rows {index[words[i]]} and {i}).", nameof(words));
    }

    /// <summary>Number of words.</summary>
    public int Count => words.Length;

    /// <summary>Floats per word vector.</summary>
    public int Dimension { get; }

    /// <summary>The format the vectors were read from; <see cref="StaticEmbeddingsFormat.Auto"/> when they were built or learned in memory.</summary>
    public StaticEmbeddingsFormat SourceFormat { get; }

    /// <summary>The vocabulary in row order (for learned vectors: most frequent first).</summary>
    public IReadOnlyList<string> Words => words;

    /// <summary>Whether <paramref name="word"/> has a vector.</summary>
    public bool Contains(string word) => word != null && index.ContainsKey(word);

    /// <summary>Row of <paramref name="word"/>, or -1 when it has no vector.</summary>
    public int IndexOf(string word) => word != null && index.TryGetValue(word, out int i) ? i : -1;

    /// <summary>The vector of <paramref name="word"/> (a read-only view, no copy).</summary>
    /// <exception cref="KeyNotFoundException">The word has no vector.</exception>
    public ReadOnlySpan<float> GetVector(string word) => Row(RequireIndex(word, nameof(word)));

    /// <summary>Gets the vector of <paramref name="word"/>; false (and an empty span) when it has none.</summary>
    public bool TryGetVector(string word, out ReadOnlySpan<float> vector)
    {
        int i = IndexOf(word);
        vector = i < 0 ? default : Row(i);
        return i >= 0;
    }

    /// <summary>Cosine similarity of two words' vectors, in [-1, 1]; 0 when either vector is zero.</summary>
    /// <exception cref="KeyNotFoundException">Either word has no vector (check with <see cref="Contains"/>).</exception>
    public float Similarity(string a, string b)
    {
        int i = RequireIndex(a, nameof(a)), j = RequireIndex(b, nameof(b));
        float[] inv = InverseNorms();
        return VectorMath.Dot(Row(i), Row(j)) * inv[i] * inv[j];
    }

    /// <summary>The <paramref name="k"/> words whose vectors have the highest cosine similarity to <paramref name="word"/>'s, best first, the word itself excluded.</summary>
    /// <exception cref="KeyNotFoundException">The word has no vector.</exception>
    public IReadOnlyList<(string Word, float Similarity)> MostSimilar(string word, int k = 10)
    {
        int i = RequireIndex(word, nameof(word));
        return Nearest(Row(i), k, i, -1, -1);
    }

    /// <summary>The <paramref name="k"/> words whose vectors have the highest cosine similarity to <paramref name="vector"/>, best first.</summary>
    public IReadOnlyList<(string Word, float Similarity)> MostSimilar(ReadOnlySpan<float> vector, int k = 10)
    {
        CheckDimension(vector.Length, nameof(vector));
        return Nearest(vector, k, -1, -1, -1);
    }

    /// <summary>
    /// Analogy "<paramref name="a"/> is to <paramref name="b"/> as <paramref name="c"/> is to ?": the <paramref name="k"/>
    /// words nearest (cosine) to unit(b) − unit(a) + unit(c), the three query words excluded (3CosAdd, as word2vec's
    /// compute-accuracy and gensim's <c>most_similar(positive=[b, c], negative=[a])</c>).
    /// </summary>
    /// <exception cref="KeyNotFoundException">A query word has no vector.</exception>
    public IReadOnlyList<(string Word, float Similarity)> Analogy(string a, string b, string c, int k = 1)
    {
        int ia = RequireIndex(a, nameof(a)), ib = RequireIndex(b, nameof(b)), ic = RequireIndex(c, nameof(c));
        float[] inv = InverseNorms();
        var query = new float[Dimension];
        VectorMath.AddScaled(-inv[ia], Row(ia), query);
        VectorMath.AddScaled(inv[ib], Row(ib), query);
        VectorMath.AddScaled(inv[ic], Row(ic), query);
        return Nearest(query, k, ia, ib, ic);
    }

    /// <summary>Writes the word2vec text format: a "Count Dimension" header, then "word x1 … xD" per line (invariant culture, UTF-8).</summary>
    public void SaveWord2VecText(string path) => StaticEmbeddingsWriter.WriteText(this, path);

    /// <summary>Writes the word2vec binary format (as word2vec.c with -binary 1): a "Count Dimension" header, then per word its UTF-8 bytes, a space, D little-endian float32s and a newline.</summary>
    public void SaveWord2VecBinary(string path) => StaticEmbeddingsWriter.WriteBinary(this, path);

    /// <summary>
    /// Reads word vectors from <paramref name="path"/>: word2vec binary, word2vec text with a "V D" header, GloVe text
    /// (no header) or fastText .vec, detected from the content when <paramref name="format"/> is Auto. Numbers are parsed
    /// with the invariant culture; NaN and Infinity are rejected (see <see cref="StaticEmbeddingsLoadOptions.AllowNonFiniteValues"/>).
    /// A UTF-8 byte order mark is skipped. The header's counts are checked against the file's length before anything is
    /// allocated, and data beyond what the header announces is an error.
    /// </summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is empty or malformed; the message names the file, the line (text)
    /// or byte offset (binary), what was expected and what was found.</exception>
    /// <exception cref="NotSupportedException">The file is well formed but holds more than one array can (count × dimension above 2,147,483,591 floats).</exception>
    public static StaticEmbeddings Load(string path, StaticEmbeddingsFormat format = StaticEmbeddingsFormat.Auto)
        => StaticEmbeddingsReader.Load(path, new StaticEmbeddingsLoadOptions { Format = format });

    /// <summary>Reads word vectors from <paramref name="path"/> as <paramref name="options"/> say (see <see cref="Load(string, StaticEmbeddingsFormat)"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static StaticEmbeddings Load(string path, StaticEmbeddingsLoadOptions options)
        => StaticEmbeddingsReader.Load(path, options ?? new StaticEmbeddingsLoadOptions());

    /// <summary>Reads word vectors from a stream (see <see cref="Load(string, StaticEmbeddingsFormat)"/>); <paramref name="name"/> names it in errors.</summary>
    public static StaticEmbeddings Load(Stream stream, StaticEmbeddingsFormat format = StaticEmbeddingsFormat.Auto, string name = "stream")
        => StaticEmbeddingsReader.Load(stream, new StaticEmbeddingsLoadOptions { Format = format }, name);

    /// <summary>Reads word vectors from a stream as <paramref name="options"/> say; <paramref name="name"/> names it in errors.</summary>
    public static StaticEmbeddings Load(Stream stream, StaticEmbeddingsLoadOptions options, string name = "stream")
        => StaticEmbeddingsReader.Load(stream, options ?? new StaticEmbeddingsLoadOptions(), name);

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"StaticEmbeddings({Count} words × {Dimension})");

    internal ReadOnlySpan<float> Row(int i) => new ReadOnlySpan<float>(vectors, i * Dimension, Dimension);

    internal float[] RawVectors => vectors;

    internal string[] RawWords => words;

    /// <summary>Row lookup without allocating a string (used per token by the transform).</summary>
    internal Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> SpanLookup => index.GetAlternateLookup<ReadOnlySpan<char>>();

    private int RequireIndex(string word, string paramName)
    {
        ArgumentNullException.ThrowIfNull(word, paramName);
        if (!index.TryGetValue(word, out int i))
            throw new KeyNotFoundException($"The word '{word}' has no vector ({Count} words in the vocabulary; matching is case-sensitive).");
        return i;
    }

    private void CheckDimension(int length, string paramName)
    {
        if (length != Dimension)
            throw new ArgumentException($"The vector has {length} floats; these embeddings have {Dimension}.", paramName);
    }

    private float[] InverseNorms()
    {
        var inv = Volatile.Read(ref inverseNorms);
        if (inv != null) return inv;
        inv = new float[Count];
        for (int i = 0; i < inv.Length; i++)
        {
            float n = VectorMath.Norm(Row(i));
            inv[i] = n > 0 ? 1f / n : 0f;
        }
        Volatile.Write(ref inverseNorms, inv);
        return inv;
    }

    private IReadOnlyList<(string, float)> Nearest(ReadOnlySpan<float> query, int k, int skip1, int skip2, int skip3)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), $"k is {k}; it must be at least 1.");
        float qn = VectorMath.Norm(query);
        float qinv = qn > 0 ? 1f / qn : 0f;
        float[] inv = InverseNorms();
        var heap = new PriorityQueue<int, float>(k + 1);   // min-heap of the best k so far
        for (int i = 0; i < Count; i++)
        {
            if (i == skip1 || i == skip2 || i == skip3) continue;
            float s = VectorMath.Dot(query, Row(i)) * inv[i] * qinv;
            if (heap.Count < k) heap.Enqueue(i, s);
            else if (heap.TryPeek(out _, out float worst) && s > worst) heap.EnqueueDequeue(i, s);
        }
        var result = new (string, float)[heap.Count];
        for (int r = result.Length - 1; r >= 0; r--)
        {
            heap.TryDequeue(out int i, out float s);
            result[r] = (words[i], s);
        }
        return result;
    }

    private static string[] CheckWords(IReadOnlyList<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        var copy = new string[words.Count];
        for (int i = 0; i < copy.Length; i++)
        {
            if (string.IsNullOrEmpty(words[i])) throw new ArgumentException($"Word {i} is null or empty.", nameof(words));
            copy[i] = words[i];
        }
        return copy;
    }

    private static float[] CheckVectors(IReadOnlyList<string> words, ReadOnlySpan<float> vectors, int dimension)
    {
        if (dimension < 1) throw new ArgumentOutOfRangeException(nameof(dimension), $"Dimension is {dimension}; it must be at least 1.");
        if ((long)words.Count * dimension != vectors.Length)
            throw new ArgumentException($"{vectors.Length} floats given for {words.Count} words × {dimension}; expected {(long)words.Count * dimension}.", nameof(vectors));
        return vectors.ToArray();
    }
}

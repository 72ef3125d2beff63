using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual.Bench.Embedding;

/// <summary>Shared pieces of the embedding verbs.</summary>
internal static class EmbeddingHarness
{
    public const int Dimension = 384;

    /// <summary>The embedded all-MiniLM-L6-v2 ONNX bytes, as the library reads them.</summary>
    public static byte[] MiniLMBytes() => ContextualEncoder.MiniLM.Model.ReadAll();

    /// <summary>Our transform, as a user writes it.</summary>
    public static ITransformer FitOurs(MLContext ml, IDataView data, int batchSize, int maxTokens, int threads) =>
        ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text", new ContextualEmbeddingOptions
        {
            Pooling = ContextualPooling.Mean,
            Normalize = false,
            MaxTokens = maxTokens,
            BatchSize = batchSize,
            IntraOpThreads = threads,
        }).Fit(data);

    /// <summary>
    /// Enumerates <paramref name="column"/> of <paramref name="view"/> with a cursor (only that column active) and copies
    /// each vector into <paramref name="into"/> (rows × dimension, from <paramref name="offset"/>) when given. Returns the row count.
    /// </summary>
    public static long ReadVectors(IDataView view, string column, float[] into, int offset = 0)
    {
        var col = view.Schema[column];
        using var cursor = view.GetRowCursor([col]);
        var getter = cursor.GetGetter<VBuffer<float>>(col);
        VBuffer<float> buffer = default;
        long rows = 0;
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            if (buffer.Length != Dimension)
                throw new InvalidOperationException($"Column '{column}' row {rows}: {buffer.Length} values, expected {Dimension}.");
            if (into != null)
                buffer.GetValues().CopyTo(into.AsSpan(offset + (int)rows * Dimension, Dimension));
            rows++;
        }
        return rows;
    }

    public static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    /// <summary>Largest absolute difference and smallest cosine between row vectors of two embeddings.</summary>
    public static (double MaxAbs, double MinCosine) Compare(float[] a, float[] b)
    {
        double maxAbs = 0, minCos = 1;
        for (int r = 0; r < a.Length / Dimension; r++)
        {
            var x = a.AsSpan(r * Dimension, Dimension);
            var y = b.AsSpan(r * Dimension, Dimension);
            for (int i = 0; i < Dimension; i++)
                maxAbs = Math.Max(maxAbs, Math.Abs(x[i] - y[i]));
            minCos = Math.Min(minCos, System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(x, y));
        }
        return (maxAbs, minCos);
    }

    public static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line?.Split(':', 2)[1].Trim() ?? "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    public static string MachineLine() =>
        $"{Environment.ProcessorCount} logical cores, {CpuModel()}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}";
}

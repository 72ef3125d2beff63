using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual.Bench.Topics;

/// <summary>
/// MiniLM embeddings of a document list, cached in a file outside the repository (float32 rows appended as they are
/// computed, so an interrupted run resumes where it stopped). The file is keyed by its name; delete it to re-encode.
/// </summary>
internal static class EmbeddingCache
{
    public const int Dimension = 384;

    public static float[][] Get(string path, IReadOnlyList<string> texts, Action<string> log)
    {
        var rows = new List<float[]>(texts.Count);
        if (File.Exists(path))
        {
            using var r = new BinaryReader(File.OpenRead(path));
            long complete = r.BaseStream.Length / (Dimension * 4);
            for (long i = 0; i < Math.Min(complete, texts.Count); i++)
            {
                var v = new float[Dimension];
                for (int j = 0; j < Dimension; j++) v[j] = r.ReadSingle();
                rows.Add(v);
            }
        }
        if (rows.Count >= texts.Count)
        {
            log($"Embeddings: {texts.Count} rows read from {path}.");
            return [.. rows];
        }
        int start = rows.Count;
        log($"Embeddings: {start} cached in {path}; encoding {texts.Count - start} more with the embedded MiniLM (mean pooling, 256 tokens).");
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(texts.Skip(start).Select(t => new TextRow { Text = t }));
        var embedded = ml.Transforms.Text.ApplyContextualEmbedding("Embedding", "Text").Fit(data).Transform(data);
        using (var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write))
        using (var w = new BinaryWriter(file))
        using (var cursor = embedded.GetRowCursor([embedded.Schema["Embedding"]]))
        {
            // An incomplete last row from an interrupted run is cut off first.
            file.SetLength((long)start * Dimension * 4);
            file.Seek(0, SeekOrigin.End);
            var getter = cursor.GetGetter<VBuffer<float>>(embedded.Schema["Embedding"]);
            var buffer = default(VBuffer<float>);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (cursor.MoveNext())
            {
                getter(ref buffer);
                var v = buffer.DenseValues().ToArray();
                foreach (float x in v) w.Write(x);
                rows.Add(v);
                if (rows.Count % 256 == 0)
                {
                    w.Flush();
                    log($"  {rows.Count}/{texts.Count} embedded ({(rows.Count - start) / clock.Elapsed.TotalSeconds:F1} docs/s)");
                }
            }
        }
        return [.. rows];
    }

    private sealed class TextRow
    {
        public string Text { get; set; }
    }
}

using Microsoft.ML;

namespace MLNetContextual.Bench.Embedding;

/// <summary>
/// Where our path spends its time, each part timed alone over the same rows (for <c>embed-throughput --profile 1</c>):
/// the tokenizer; ML.NET's cursors as our batching cursor drives them (a lead cursor reading the text as a string, a lag
/// cursor moving in step); and our transformer's batch method called directly, without any cursor.
/// Then: full pipeline − direct = plumbing (cursors, getters); direct − (b′) = our encoder path against a plain loop
/// that groups rows the same way. Ideas for the library: ONNX Runtime without spin-waiting
/// (<c>session.intra_op.allow_spinning = 0</c>, measured on (b′)), which matters on a shared machine; and our transform
/// reading 2× and 4× as many batches ahead (longer runs of similar length). (The session it creates lives
/// until the process ends.)
/// </summary>
internal static class ThroughputProfile
{
    public static IEnumerable<(string Name, Func<int, float[], long> Run)> Contenders(
        IDataView[] views, string[][] chunks, ContextualEmbeddingTransformer ours, int window, int maxTokens,
        byte[] model, int batch, int threads)
    {
        var noSpin = new PlainOrtEmbedder(model, batch, maxTokens, threads, sortWindow: window, allowSpinning: false);
        yield return ("idea: (b′) + no spin-waiting", (c, into) => Plain(noSpin, chunks, c, into));
        var both = new PlainOrtEmbedder(model, batch, maxTokens, threads, sortWindow: 4 * window, allowSpinning: false);
        yield return ($"idea: plain loop, {4 * window}-row windows + no spin-waiting", (c, into) => Plain(both, chunks, c, into));
        yield return ("part: tokenizer only", (c, _) =>
        {
            var sentences = chunks[c];
            long pieces = 0;
            foreach (var s in sentences)
                pieces += BertTextTokenizer.MiniLM.Encode(s, maxTokens).Length;
            return pieces > 0 ? sentences.Length : 0;
        });

        yield return ("part: 2 ML.NET cursors, text read", (c, _) =>
        {
            var data = views[c];
            var text = data.Schema["Text"];
            using var lead = data.GetRowCursor([text]);
            using var lag = data.GetRowCursor([text]);
            var getter = lead.GetGetter<ReadOnlyMemory<char>>(text);
            ReadOnlyMemory<char> value = default;
            long rows = 0, chars = 0;
            while (lead.MoveNext() && lag.MoveNext())
            {
                getter(ref value);
                chars += value.ToString().Length;
                rows++;
            }
            return rows;
        });

        yield return ("part: ours, Embed() direct, no cursor", (c, into) =>
        {
            var sentences = chunks[c];
            int offset = c * chunks[0].Length * EmbeddingHarness.Dimension;
            var results = new float[window][];
            for (int start = 0; start < sentences.Length; start += window)
            {
                int rows = Math.Min(window, sentences.Length - start);
                ours.Embedder.Embed(sentences.AsSpan(start, rows), results.AsSpan(0, rows));
                for (int r = 0; r < rows; r++)
                    results[r].CopyTo(into, offset + (start + r) * EmbeddingHarness.Dimension);
            }
            return sentences.Length;
        });
    }

    private static long Plain(PlainOrtEmbedder embedder, string[][] chunks, int c, float[] into)
    {
        embedder.Embed(chunks[c], into.AsSpan(c * chunks[0].Length * EmbeddingHarness.Dimension));
        return chunks[c].Length;
    }
}

namespace MLNetContextual;

/// <summary>
/// Picks answers from start/end logits as run_squad.py does: per window, the <c>nBest</c> highest start and end
/// positions over the context; a span is kept when it ends at or after its start, is at most <c>maxAnswerLength</c>
/// pieces long, and its start piece has its maximum context in this window. Spans are ranked by start + end logit over
/// all windows of the question; equal answer texts are merged; scores are softmax probabilities over the n-best list.
/// </summary>
internal static class SpanDecoder
{
    internal readonly record struct Candidate(int CharStart, int CharEnd, float Logit);

    /// <summary>The <paramref name="topK"/> best answers of one question and their probabilities (empty if the context is).</summary>
    /// <param name="context">The question's context.</param>
    /// <param name="windows">Its windows.</param>
    /// <param name="startLogits">Per window, a logit per token position.</param>
    /// <param name="endLogits">Per window, a logit per token position.</param>
    /// <param name="nBest">Start and end positions considered per window (the best logits of each).</param>
    /// <param name="maxAnswerLength">The longest answer, in tokens.</param>
    /// <param name="topK">How many answers to return.</param>
    public static (string[] Answers, float[] Scores) Decode(string context, IReadOnlyList<QaWindow> windows,
        IReadOnlyList<float[]> startLogits, IReadOnlyList<float[]> endLogits, int nBest, int maxAnswerLength, int topK)
    {
        var candidates = new List<Candidate>();
        for (int w = 0; w < windows.Count; w++)
        {
            var window = windows[w];
            var starts = TopPositions(startLogits[w], window, nBest);
            var ends = TopPositions(endLogits[w], window, nBest);
            foreach (int s in starts)
                foreach (int e in ends)
                {
                    int cs = s - window.ContextOffset, ce = e - window.ContextOffset;
                    if (ce < cs || ce - cs + 1 > maxAnswerLength || !window.IsMaxContext[cs])
                        continue;
                    candidates.Add(new Candidate(window.CharStarts[cs], window.CharEnds[ce], startLogits[w][s] + endLogits[w][e]));
                }
        }
        // Highest logit first; ties broken by position so that the order never depends on the sort's stability.
        candidates.Sort((a, b) => b.Logit != a.Logit ? b.Logit.CompareTo(a.Logit) : a.CharStart != b.CharStart
            ? a.CharStart.CompareTo(b.CharStart) : a.CharEnd.CompareTo(b.CharEnd));

        var texts = new List<string>();
        var logits = new List<float>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in candidates)
        {
            if (texts.Count == nBest)
                break;
            string text = context[c.CharStart..c.CharEnd];
            if (seen.Add(text))
            {
                texts.Add(text);
                logits.Add(c.Logit);
            }
        }
        if (texts.Count == 0)
            return ([], []);

        float max = logits[0];
        double sum = 0;
        var probabilities = new double[logits.Count];
        for (int i = 0; i < logits.Count; i++)
            sum += probabilities[i] = Math.Exp(logits[i] - max);
        int k = Math.Min(topK, texts.Count);
        var scores = new float[k];
        for (int i = 0; i < k; i++)
            scores[i] = (float)(probabilities[i] / sum);
        return (texts.Take(k).ToArray(), scores);
    }

    /// <summary>The positions of the <paramref name="n"/> largest logits among the window's context pieces.</summary>
    private static List<int> TopPositions(float[] logits, QaWindow window, int n)
    {
        var positions = Enumerable.Range(window.ContextOffset, window.ContextLength).ToList();
        positions.Sort((a, b) => logits[b] != logits[a] ? logits[b].CompareTo(logits[a]) : a.CompareTo(b));
        if (positions.Count > n)
            positions.RemoveRange(n, positions.Count - n);
        return positions;
    }
}

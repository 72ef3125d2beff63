namespace MLNetContextual;

/// <summary>
/// Cuts a question and its context into <see cref="QaWindow"/>s as BERT's run_squad.py does: the question keeps at most
/// <c>maxQueryLength</c> pieces; the context is covered by windows of <c>maxSequenceLength − question − 3</c> pieces,
/// each starting <c>documentStride</c> pieces after the previous one.
/// </summary>
internal sealed class QaWindowBuilder
{
    private readonly BertTextTokenizer _tokenizer;
    private readonly int _maxSequence, _stride, _maxQuery;

    public QaWindowBuilder(BertTextTokenizer tokenizer, int maxSequenceLength, int documentStride, int maxQueryLength)
    {
        _tokenizer = tokenizer;
        _maxSequence = maxSequenceLength;
        _stride = documentStride;
        _maxQuery = maxQueryLength;
    }

    /// <summary>Word pieces of <paramref name="question"/> (before truncation).</summary>
    public int QuestionPieces(string question) => _tokenizer.Tokenize(question ?? string.Empty).Count;

    /// <summary>
    /// The windows of one question. With <paramref name="answerStart"/> ≥ 0 (training), each window's target is the
    /// answer's pieces when they lie wholly inside it, else [CLS].
    /// </summary>
    public List<QaWindow> Build(int example, string context, string question, int answerStart = -1, int answerLength = 0)
    {
        context ??= string.Empty;
        var queryPieces = _tokenizer.Tokenize(question ?? string.Empty);
        int queryCount = Math.Min(queryPieces.Count, _maxQuery);
        var contextPieces = _tokenizer.Tokenize(context);

        int answerFirst = -1, answerLast = -1;
        if (answerStart >= 0)
            (answerFirst, answerLast) = PiecesCovering(contextPieces, answerStart, answerStart + answerLength);

        int perWindow = _maxSequence - queryCount - 3;
        var starts = new List<int>();
        for (int start = 0; ; start += Math.Min(perWindow, _stride))
        {
            starts.Add(start);
            if (start + perWindow >= contextPieces.Count)
                break;
        }

        var windows = new List<QaWindow>(starts.Count);
        foreach (int start in starts)
        {
            int length = Math.Min(perWindow, Math.Max(0, contextPieces.Count - start));
            int total = queryCount + length + 3;
            var ids = new int[total];
            var types = new int[total];
            int at = 0;
            ids[at++] = _tokenizer.ClsId;
            for (int i = 0; i < queryCount; i++)
                ids[at++] = queryPieces[i].Id;
            ids[at++] = _tokenizer.SepId;
            int offset = at;
            var charStarts = new int[length];
            var charEnds = new int[length];
            var maxContext = new bool[length];
            for (int i = 0; i < length; i++)
            {
                var piece = contextPieces[start + i];
                types[at] = 1;
                ids[at++] = piece.Id;
                charStarts[i] = piece.Start;
                charEnds[i] = piece.Start + piece.Length;
                maxContext[i] = IsMaxContext(starts, perWindow, contextPieces.Count, start, start + i);
            }
            types[at] = 1;
            ids[at] = _tokenizer.SepId;

            int startPosition = 0, endPosition = 0;
            if (answerFirst >= 0 && answerFirst >= start && answerLast < start + length)
            {
                startPosition = offset + answerFirst - start;
                endPosition = offset + answerLast - start;
            }
            windows.Add(new QaWindow
            {
                Example = example, Ids = ids, TypeIds = types, ContextOffset = offset,
                CharStarts = charStarts, CharEnds = charEnds, IsMaxContext = maxContext,
                StartPosition = startPosition, EndPosition = endPosition,
            });
        }
        return windows;
    }

    /// <summary>The first and last piece overlapping characters [<paramref name="from"/>, <paramref name="to"/>); (-1, -1) if none.</summary>
    internal static (int First, int Last) PiecesCovering(IReadOnlyList<WordPiece> pieces, int from, int to)
    {
        int first = -1, last = -1;
        for (int i = 0; i < pieces.Count; i++)
        {
            int s = pieces[i].Start, e = pieces[i].Start + pieces[i].Length;
            if (e > from && s < to)
            {
                if (first < 0)
                    first = i;
                last = i;
            }
        }
        return (first, last);
    }

    // run_squad.py's _check_is_max_context: the window where the piece has the most context on its shorter side wins
    // (ties: the longer window's score has a 0.01 bonus per piece).
    private static bool IsMaxContext(List<int> starts, int perWindow, int pieceCount, int current, int position)
    {
        double bestScore = double.NegativeInfinity;
        int bestStart = -1;
        foreach (int start in starts)
        {
            int length = Math.Min(perWindow, pieceCount - start);
            int end = start + length - 1;
            if (position < start || position > end)
                continue;
            double score = Math.Min(position - start, end - position) + 0.01 * length;
            if (score > bestScore)
            {
                bestScore = score;
                bestStart = start;
            }
        }
        return bestStart == current;
    }
}

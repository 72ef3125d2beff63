namespace MLNetContextual.Tests.FineTuning;

/// <summary>Window construction and span decoding (pure C#, no TorchSharp).</summary>
public class QaWindowTests
{
    private static readonly string[] Words = Enumerable.Range(0, 40).Select(i => "w" + (char)('a' + i % 26) + (char)('a' + i / 26)).ToArray();
    private static readonly string Context = string.Join(" ", Words);   // 40 words, one piece each

    private static BertTextTokenizer Tokenizer()
    {
        var vocab = new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "what", "is", "?" }.Concat(Words);
        return BertTextTokenizer.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", vocab) + "\n")));
    }

    [Fact]
    public void LongContext_StridedWindows_LikeRunSquad()
    {
        var tok = Tokenizer();
        // max sequence 20, question "what is ?" = 3 pieces: 20 − 3 − 3 = 14 context pieces per window, stride 6
        var builder = new QaWindowBuilder(tok, maxSequenceLength: 20, documentStride: 6, maxQueryLength: 8);
        int answerStart = Context.IndexOf("wkb", StringComparison.Ordinal);        // word 36
        var windows = builder.Build(0, Context, "what is ?", answerStart, 3);

        Assert.Equal([0, 6, 12, 18, 24, 30], windows.Select(w => Array.IndexOf(Words, Context[w.CharStarts[0]..w.CharEnds[0]])));
        Assert.All(windows, w => Assert.True(w.Length <= 20));
        Assert.All(windows, w => Assert.Equal(5, w.ContextOffset));             // [CLS] what is ? [SEP]
        Assert.Equal(tok.ClsId, windows[0].Ids[0]);
        Assert.Equal(tok.SepId, windows[0].Ids[4]);
        Assert.Equal(tok.SepId, windows[0].Ids[^1]);
        Assert.Equal([0, 0, 0, 0, 0, 1], windows[0].TypeIds[..6]);

        // The answer (word 36) lies in the windows of words 24..37 (target 5 + 12) and 30..39 (5 + 6); [CLS] elsewhere.
        Assert.All(windows.Take(4), w => Assert.Equal((0, 0), (w.StartPosition, w.EndPosition)));
        Assert.Equal((17, 17), (windows[4].StartPosition, windows[4].EndPosition));
        Assert.Equal((11, 11), (windows[5].StartPosition, windows[5].EndPosition));

        // Each piece has exactly one window of maximum context.
        for (int word = 0; word < Words.Length; word++)
        {
            int owners = windows.Count(w => Enumerable.Range(0, w.ContextLength)
                .Any(i => w.IsMaxContext[i] && Context[w.CharStarts[i]..w.CharEnds[i]] == Words[word]));
            Assert.Equal(1, owners);
        }
    }

    [Fact]
    public void Decode_BestValidSpan_MapsBackToCharacters()
    {
        var tok = Tokenizer();
        var builder = new QaWindowBuilder(tok, 64, 16, 8);
        var windows = builder.Build(0, Context, "what is ?");
        Assert.Single(windows);
        var w = windows[0];
        var start = new float[w.Length];
        var end = new float[w.Length];
        start[w.ContextOffset + 3] = 5;    // "wdb"... start at word 3
        end[w.ContextOffset + 5] = 4;      // end at word 5: answer words 3..5
        end[w.ContextOffset + 1] = 6;      // a higher end before the start: invalid
        start[0] = 50;                     // [CLS] is never an answer
        var (answers, scores) = SpanDecoder.Decode(Context, windows, [start], [end], nBest: 20, maxAnswerLength: 30, topK: 2);
        Assert.Equal(string.Join(" ", Words[3..6]), answers[0]);
        Assert.Equal(2, answers.Length);
        Assert.True(scores[0] > scores[1]);
        Assert.True(scores.Sum() <= 1.0001f);

        // With at most 2 pieces, span 3..5 is too long.
        var (shortAnswers, _) = SpanDecoder.Decode(Context, windows, [start], [end], nBest: 20, maxAnswerLength: 2, topK: 1);
        Assert.NotEqual(answers[0], shortAnswers[0]);
        Assert.True(shortAnswers[0].Split(' ').Length <= 2);
    }

    [Fact]
    public void PiecesCovering_UsesCharacterOffsets()
    {
        var tok = Tokenizer();
        var pieces = tok.Tokenize(Context);
        int start = Context.IndexOf("wcb", StringComparison.Ordinal);   // word 28
        Assert.Equal((28, 29), QaWindowBuilder.PiecesCovering(pieces, start, start + 7));
    }
}

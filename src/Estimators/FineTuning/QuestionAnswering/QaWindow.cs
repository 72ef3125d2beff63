namespace MLNetContextual;

/// <summary>
/// One input of the span model: <c>[CLS] question [SEP] context part [SEP]</c> (BERT's SQuAD feature), with what is
/// needed to map predicted token positions back to characters of the context.
/// </summary>
internal sealed class QaWindow
{
    /// <summary>Index of the question this window belongs to.</summary>
    public int Example { get; init; }
    public int[] Ids { get; init; }
    public int[] TypeIds { get; init; }
    /// <summary>Token position of the window's first context piece.</summary>
    public int ContextOffset { get; init; }
    /// <summary>Per context piece of this window: its first character in the context, and one past its last.</summary>
    public int[] CharStarts { get; init; }
    public int[] CharEnds { get; init; }
    /// <summary>Per context piece: whether this window gives it the most surrounding context of all windows.</summary>
    public bool[] IsMaxContext { get; init; }
    /// <summary>Training target: token positions of the answer's first and last piece; 0 ([CLS]) when the answer is
    /// not wholly in this window.</summary>
    public int StartPosition { get; init; }
    public int EndPosition { get; init; }

    public int Length => Ids.Length;
    public int ContextLength => CharStarts.Length;
}

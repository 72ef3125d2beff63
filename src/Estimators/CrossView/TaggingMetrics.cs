namespace MLNetContextual;

/// <summary>
/// Scores of sequence taggers: token accuracy (POS) and entity-level precision, recall and F1 as CoNLL's
/// <c>conlleval</c> computes them (a chunk is correct only when its type and both boundaries match). Chunks are read from
/// B-/I-/E-/S- prefixed tags (IOB1, IOB2/BIO or BIOES), <c>O</c> and every tag without a prefix being outside; an I-
/// after a chunk of another type (or after O) starts a chunk, as conlleval does.
/// </summary>
public static class TaggingMetrics
{
    /// <summary>The share of tokens whose predicted tag equals the gold one (0 when there are no tokens).</summary>
    /// <param name="gold">Gold tags per sentence.</param>
    /// <param name="predicted">Predicted tags per sentence, as many per sentence as <paramref name="gold"/>.</param>
    public static double Accuracy(IReadOnlyList<IReadOnlyList<string>> gold, IReadOnlyList<IReadOnlyList<string>> predicted)
    {
        Check(gold, predicted);
        long right = 0, all = 0;
        for (int s = 0; s < gold.Count; s++)
            for (int i = 0; i < gold[s].Count; i++, all++)
                if (gold[s][i] == predicted[s][i])
                    right++;
        return all == 0 ? 0 : (double)right / all;
    }

    /// <summary>Entity-level precision, recall and F1 (conlleval's overall figures, as fractions); all 0 when neither side has a chunk.</summary>
    /// <param name="gold">Gold tags per sentence.</param>
    /// <param name="predicted">Predicted tags per sentence, as many per sentence as <paramref name="gold"/>.</param>
    public static (double Precision, double Recall, double F1) EntityF1(IReadOnlyList<IReadOnlyList<string>> gold, IReadOnlyList<IReadOnlyList<string>> predicted)
    {
        Check(gold, predicted);
        long correct = 0, found = 0, expected = 0;
        for (int s = 0; s < gold.Count; s++)
        {
            var g = Chunks(gold[s]);
            var p = Chunks(predicted[s]);
            expected += g.Count;
            found += p.Count;
            correct += p.Count(g.Contains);
        }
        double precision = found == 0 ? 0 : (double)correct / found, recall = expected == 0 ? 0 : (double)correct / expected;
        return (precision, recall, precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall));
    }

    /// <summary>Whether <paramref name="tags"/> look like chunk tags (some start with B-, I-, E- or S-).</summary>
    public static bool AreChunkTags(IEnumerable<string> tags) => tags.Any(t => Split(t).Prefix != '\0');

    /// <summary>The chunks of one sentence as (type, first token, last token).</summary>
    public static HashSet<(string Type, int Start, int End)> Chunks(IReadOnlyList<string> tags)
    {
        var result = new HashSet<(string, int, int)>();
        string type = null;
        int start = -1;
        for (int i = 0; i <= tags.Count; i++)
        {
            var (prefix, t) = i < tags.Count ? Split(tags[i]) : ('\0', null);
            bool begins = prefix is 'B' or 'S' || (prefix is 'I' or 'E' && t != type);
            bool continues = prefix is 'I' or 'E' && t == type && type != null;
            if (type != null && !continues)
            {
                result.Add((type, start, i - 1));
                type = null;
            }
            if (begins)
                (type, start) = (t, i);
            if (type != null && prefix is 'E' or 'S')
            {
                result.Add((type, start, i));
                type = null;
            }
        }
        return result;
    }

    private static (char Prefix, string Type) Split(string tag) =>
        tag is { Length: > 2 } && tag[1] == '-' && tag[0] is 'B' or 'I' or 'E' or 'S' ? (tag[0], tag[2..]) : ('\0', null);

    private static void Check(IReadOnlyList<IReadOnlyList<string>> gold, IReadOnlyList<IReadOnlyList<string>> predicted)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predicted);
        if (gold.Count != predicted.Count)
            throw new ArgumentException($"{gold.Count} gold sentences but {predicted.Count} predicted ones.", nameof(predicted));
        for (int s = 0; s < gold.Count; s++)
            if (gold[s].Count != predicted[s].Count)
                throw new ArgumentException($"Sentence {s} has {gold[s].Count} gold tags but {predicted[s].Count} predicted ones.", nameof(predicted));
    }
}

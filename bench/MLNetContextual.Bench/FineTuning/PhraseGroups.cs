namespace MLNetContextual.Bench;

/// <summary>
/// Groups SST-style phrases by the sentence they are cut from: a phrase belongs to the longest phrase that contains it
/// (as a run of whole tokens); a phrase that no longer phrase contains starts a group of its own (its root, normally a
/// full sentence). Identical texts fall in the same group. Splitting by group keeps parts of one sentence from landing
/// on both sides of a train/validation split.
/// </summary>
internal static class PhraseGroups
{
    /// <summary>The group of each phrase: the index of its root phrase (roots map to themselves).</summary>
    public static int[] Assign(IReadOnlyList<string> phrases)
    {
        var normal = phrases.Select(Normalize).ToArray();
        var byText = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int i = 0; i < normal.Length; i++)
        {
            if (!byText.TryGetValue(normal[i], out var list))
                byText[normal[i]] = list = [];
            list.Add(i);
        }
        var lookup = byText.GetAlternateLookup<ReadOnlySpan<char>>();
        var group = Enumerable.Repeat(-1, normal.Length).ToArray();
        // Longest first (ties: earlier row first): a phrase still unassigned when its turn comes is contained in no
        // longer phrase, so it is a root; its runs of tokens claim every shorter phrase not claimed by a longer root.
        var order = Enumerable.Range(0, normal.Length).OrderByDescending(i => normal[i].Length).ThenBy(i => i).ToArray();
        foreach (int root in order)
        {
            if (group[root] >= 0)
                continue;
            string text = normal[root];
            var starts = new List<int> { 0 };
            var ends = new List<int>();
            for (int c = 0; c < text.Length; c++)
                if (text[c] == ' ')
                {
                    ends.Add(c);
                    starts.Add(c + 1);
                }
            ends.Add(text.Length);
            for (int a = 0; a < starts.Count; a++)
                for (int b = a; b < ends.Count; b++)
                    if (lookup.TryGetValue(text.AsSpan(starts[a], ends[b] - starts[a]), out var members))
                        foreach (int m in members)
                            if (group[m] < 0)
                                group[m] = root;
        }
        return group;
    }

    /// <summary>Splits the groups (seeded) so that about <paramref name="heldBackGroups"/> groups are held back; returns
    /// whether each phrase is held back.</summary>
    public static bool[] HoldBack(int[] group, int heldBackGroups, int seed)
    {
        var roots = group.Distinct().Order().ToArray();
        new Random(seed).Shuffle(roots);
        var held = roots.Take(heldBackGroups).ToHashSet();
        return group.Select(held.Contains).ToArray();
    }

    private static string Normalize(string phrase) =>
        string.Join(' ', phrase.Split((char[])null, StringSplitOptions.RemoveEmptyEntries));
}

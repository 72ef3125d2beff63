namespace MLNetContextual.Tests.FineTuning;

/// <summary>
/// Tiny untrained BERT checkpoints for fine-tuning tests (transformers' test config: hidden 32, 2 layers, 4 heads,
/// intermediate 37) over a vocabulary built from the test's own text, so that every test runs in seconds.
/// </summary>
internal static class TinyBert
{
    public static BertCheckpoint For(IEnumerable<string> texts, int maxPositions = 128)
    {
        var vocabulary = Vocabulary(texts);
        return BertCheckpoint.Untrained(Config(vocabulary.Count, maxPositions), vocabulary);
    }

    public static BertConfig Config(int vocabularySize, int maxPositions = 128) => new()
    {
        VocabSize = vocabularySize, HiddenSize = 32, NumHiddenLayers = 2, NumAttentionHeads = 4, IntermediateSize = 37,
        MaxPositionEmbeddings = maxPositions, TypeVocabSize = 2,
    };

    /// <summary>Special tokens, the words of <paramref name="texts"/> (lower-cased) and single characters.</summary>
    public static List<string> Vocabulary(IEnumerable<string> texts)
    {
        var vocabulary = new List<string> { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" };
        var seen = vocabulary.ToHashSet();
        void Add(string token)
        {
            if (seen.Add(token))
                vocabulary.Add(token);
        }
        foreach (var text in texts)
            foreach (var word in Words(text.ToLowerInvariant()))
                Add(word);
        // Single characters, so that any text of the tests can be split into pieces.
        for (char c = 'a'; c <= 'z'; c++)
        {
            Add(c.ToString());
            Add("##" + c);
        }
        for (char c = '0'; c <= '9'; c++)
        {
            Add(c.ToString());
            Add("##" + c);
        }
        return vocabulary;
    }

    private static IEnumerable<string> Words(string text)
    {
        int i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
                continue;
            }
            if (char.IsPunctuation(text[i]) || char.IsSymbol(text[i]))
            {
                yield return text[i++].ToString();
                continue;
            }
            int start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]) && !char.IsPunctuation(text[i]) && !char.IsSymbol(text[i]))
                i++;
            yield return text[start..i];
        }
    }
}

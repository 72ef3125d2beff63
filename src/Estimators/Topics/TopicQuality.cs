using Microsoft.ML.Transforms.Text;

namespace MLNetContextual;

/// <summary>
/// Topic-quality measures of Bianchi et al. (2021), for any topic model that gives ranked top words per topic: a
/// <see cref="ContextualTopicModelTransformer"/> (<see cref="TopWords(ContextualTopicModelTransformer, int)"/>),
/// ML.NET's <c>LatentDirichletAllocation</c> (<see cref="TopWords(LatentDirichletAllocationTransformer, int, IReadOnlyList{string}, int)"/>),
/// or plain lists of words.
/// </summary>
public static class TopicQuality
{
    /// <summary>The top words of each topic of a contextualized topic model, best first.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> TopWords(ContextualTopicModelTransformer model, int count)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.GetTopWords(count).Select(t => (IReadOnlyList<string>)t.Select(w => w.Word).ToList()).ToList();
    }

    /// <summary>
    /// The top words of each topic of ML.NET's LDA, best first, from <c>GetLdaDetails</c>: its word scores when the
    /// input column had slot names (e.g. from <c>ProduceWordBags</c>/<c>ProduceNgrams</c>), otherwise its item scores
    /// (slot index → score) mapped to words through <paramref name="vocabulary"/> (the words of the input vector's
    /// slots, in order). The scores are LightLDA's topic-word counts; ML.NET keeps only the
    /// <c>numberOfSummaryTermsPerTopic</c> best of each topic, so ask for at least <paramref name="count"/> of them.
    /// </summary>
    /// <param name="lda">A fitted <c>ml.Transforms.Text.LatentDirichletAllocation</c>.</param>
    /// <param name="count">Words per topic.</param>
    /// <param name="vocabulary">The input slots' words; needed when the input column had no slot names.</param>
    /// <param name="columnIndex">Which of the LDA transformer's columns.</param>
    /// <exception cref="InvalidOperationException">The LDA summary has fewer than <paramref name="count"/> words in a topic,
    /// or neither slot names nor a vocabulary are available.</exception>
    public static IReadOnlyList<IReadOnlyList<string>> TopWords(LatentDirichletAllocationTransformer lda, int count,
        IReadOnlyList<string> vocabulary = null, int columnIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(lda);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var details = lda.GetLdaDetails(columnIndex);
        List<List<(string Word, float Score)>> topics;
        if (details.WordScoresPerTopic is { Count: > 0 } words && words[0].Count > 0)
        {
            topics = words.Select(t => t.Select(s => (s.Word, s.Score)).ToList()).ToList();
        }
        else
        {
            if (vocabulary == null)
                throw new InvalidOperationException("The LDA input column has no slot names; pass the vocabulary (the words of its slots, in order).");
            topics = details.ItemScoresPerTopic.Select(t => t.Select(s =>
            {
                if (s.Item < 0 || s.Item >= vocabulary.Count)
                    throw new ArgumentOutOfRangeException(nameof(vocabulary), $"LDA slot {s.Item} is beyond the vocabulary of {vocabulary.Count} words.");
                return (vocabulary[s.Item], s.Score);
            }).ToList()).ToList();
        }
        var result = new List<IReadOnlyList<string>>(topics.Count);
        for (int k = 0; k < topics.Count; k++)
        {
            if (topics[k].Count < count)
                throw new InvalidOperationException(
                    $"LDA topic {k} lists {topics[k].Count} words; {count} are needed (raise numberOfSummaryTermsPerTopic).");
            // Stable: equal scores keep LightLDA's order.
            result.Add(topics[k].Select((w, i) => (w, i)).OrderByDescending(p => p.w.Score).ThenBy(p => p.i).Take(count).Select(p => p.w.Word).ToList());
        }
        return result;
    }

    /// <summary>
    /// The words the topic models of this library count in a text (lowercased, accents, ASCII punctuation and digits
    /// removed, runs of letters of at least 2 characters; no stop words removed): the way to turn a reference corpus into
    /// documents for <see cref="NpmiCoherence"/>.
    /// </summary>
    public static IReadOnlyList<string> Words(string text) => new TopicTextProcessor([], removeNumbers: true).Words(text);

    /// <summary>
    /// NPMI coherence of each topic's first <paramref name="topWords"/> words against a reference corpus, using document
    /// co-occurrence: with N reference documents, P(w) = (documents containing w) / N and P(wᵢ, wⱼ) = (documents
    /// containing both) / N,
    /// NPMI(wᵢ, wⱼ) = log(P(wᵢ, wⱼ) / (P(wᵢ) P(wⱼ))) / (−log P(wᵢ, wⱼ)), defined as −1 when P(wᵢ, wⱼ) = 0 (the pair never
    /// co-occurs, or a word is absent from the corpus) and as 1 when P(wᵢ, wⱼ) = 1. A topic's coherence is the mean over
    /// its unordered pairs i &lt; j; <see cref="TopicCoherence.Mean"/> averages the topics. Range [−1, 1], higher is
    /// more coherent.
    /// </summary>
    /// <remarks>The reference implementation calls gensim's <c>c_npmi</c>, which counts co-occurrence in sliding windows
    /// of 10 words and adds ε = 1e−12 inside the logarithms; whole-document co-occurrence, as here, is the other common
    /// choice (e.g. Lau et al. 2014 with a reference corpus), and gives different absolute values.</remarks>
    /// <param name="topics">Each topic's words, best first.</param>
    /// <param name="referenceDocuments">The reference corpus, each document as its words (duplicates ignored); see <see cref="Words"/>.</param>
    /// <param name="topWords">Words per topic (the paper: 10).</param>
    public static TopicCoherence NpmiCoherence(IReadOnlyList<IReadOnlyList<string>> topics, IEnumerable<IEnumerable<string>> referenceDocuments,
        int topWords = 10)
    {
        CheckTopics(topics, topWords, nameof(topWords));
        ArgumentNullException.ThrowIfNull(referenceDocuments);
        var wanted = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var t in topics)
            foreach (string w in t.Take(topWords))
                wanted.TryAdd(w, wanted.Count);
        int m = wanted.Count;
        var single = new long[m];
        var pair = new long[m * m];
        long documents = 0;
        var present = new List<int>();
        var seen = new bool[m];
        foreach (var doc in referenceDocuments)
        {
            documents++;
            present.Clear();
            foreach (string w in doc)
                if (wanted.TryGetValue(w, out int id) && !seen[id])
                {
                    seen[id] = true;
                    present.Add(id);
                }
            foreach (int a in present)
            {
                single[a]++;
                foreach (int b in present)
                    if (a < b) pair[a * m + b]++;
                seen[a] = false;
            }
        }
        if (documents == 0)
            throw new ArgumentException("The reference corpus has no documents.", nameof(referenceDocuments));

        var perTopic = new double[topics.Count];
        for (int k = 0; k < topics.Count; k++)
        {
            var ids = topics[k].Take(topWords).Select(w => wanted[w]).ToArray();
            double sum = 0;
            int pairs = 0;
            for (int i = 0; i < ids.Length; i++)
                for (int j = i + 1; j < ids.Length; j++)
                {
                    int a = Math.Min(ids[i], ids[j]), b = Math.Max(ids[i], ids[j]);
                    long both = a == b ? single[a] : pair[a * m + b];
                    sum += Npmi(single[ids[i]], single[ids[j]], both, documents);
                    pairs++;
                }
            perTopic[k] = pairs == 0 ? 0 : sum / pairs;
        }
        return new TopicCoherence(perTopic.Average(), perTopic);
    }

    /// <summary>NPMI of two words from document counts (see <see cref="NpmiCoherence"/>).</summary>
    internal static double Npmi(long first, long second, long both, long documents)
    {
        if (both == 0)
            return -1;
        if (both == documents)
            return 1;
        double pij = (double)both / documents, pi = (double)first / documents, pj = (double)second / documents;
        return Math.Log(pij / (pi * pj)) / -Math.Log(pij);
    }

    /// <summary>
    /// Topic diversity (Dieng et al. 2020): the number of distinct words among the first <paramref name="topWords"/> words
    /// of all K topics, divided by <paramref name="topWords"/>·K. 1: no word shared; near 0: redundant topics.
    /// </summary>
    public static double TopicDiversity(IReadOnlyList<IReadOnlyList<string>> topics, int topWords = 25)
    {
        CheckTopics(topics, topWords, nameof(topWords));
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in topics)
            distinct.UnionWith(t.Take(topWords));
        return distinct.Count / (double)(topWords * topics.Count);
    }

    /// <summary>
    /// Inverted rank-biased overlap: 1 − the mean, over all pairs of topics, of the extrapolated RBO (Webber et al. 2010,
    /// eq. 32) of their first <paramref name="topWords"/> words with persistence <paramref name="p"/>, as the reference's
    /// <c>InvertedRBO</c>. For two lists S, T of equal length k with agreement A_d = |S[..d] ∩ T[..d]| / d:
    /// RBO = (1 − p)/p · Σ_{d=1..k} p^d A_d + p^k A_k. 1: no two topics share a word; 0: all topics identical.
    /// </summary>
    public static double InvertedRbo(IReadOnlyList<IReadOnlyList<string>> topics, int topWords = 10, double p = 0.9)
    {
        CheckTopics(topics, topWords, nameof(topWords));
        if (p is <= 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(p), $"p is {p}; it must be in (0, 1).");
        double sum = 0;
        int pairs = 0;
        for (int a = 0; a < topics.Count; a++)
            for (int b = a + 1; b < topics.Count; b++)
            {
                sum += Rbo(topics[a].Take(topWords).ToList(), topics[b].Take(topWords).ToList(), p);
                pairs++;
            }
        return 1 - sum / pairs;
    }

    /// <summary>Extrapolated RBO of two rankings without ties (both of length k).</summary>
    internal static double Rbo(IReadOnlyList<string> s, IReadOnlyList<string> t, double p)
    {
        int k = s.Count;
        var left = new HashSet<string>(StringComparer.Ordinal);
        var right = new HashSet<string>(StringComparer.Ordinal);
        int overlap = 0;
        double sum = 0, agreement = 0;
        for (int d = 1; d <= k; d++)
        {
            string x = s[d - 1], y = t[d - 1];
            if (x == y) overlap++;
            else
            {
                if (right.Contains(x)) overlap++;
                if (left.Contains(y)) overlap++;
            }
            left.Add(x);
            right.Add(y);
            agreement = (double)overlap / d;
            sum += Math.Pow(p, d) * agreement;
        }
        return (1 - p) / p * sum + Math.Pow(p, k) * agreement;
    }

    private static void CheckTopics(IReadOnlyList<IReadOnlyList<string>> topics, int topWords, string name)
    {
        ArgumentNullException.ThrowIfNull(topics);
        if (topics.Count < 2)
            throw new ArgumentException($"{topics.Count} topic(s) given; the measures compare at least 2.", nameof(topics));
        if (topWords < 1)
            throw new ArgumentOutOfRangeException(name, $"{name} is {topWords}; it must be at least 1.");
        for (int k = 0; k < topics.Count; k++)
        {
            if (topics[k] == null || topics[k].Count < topWords)
                throw new ArgumentException($"Topic {k} has {topics[k]?.Count ?? 0} words; {topWords} are needed.", nameof(topics));
            if (topics[k].Take(topWords).Distinct(StringComparer.Ordinal).Count() != topWords)
                throw new ArgumentException($"Topic {k} lists a word twice among its first {topWords}.", nameof(topics));
        }
    }
}

/// <summary>NPMI coherence: the mean over topics and each topic's value.</summary>
/// <param name="Mean">Mean of <paramref name="PerTopic"/>.</param>
/// <param name="PerTopic">Each topic's mean NPMI over its word pairs.</param>
public sealed record TopicCoherence(double Mean, IReadOnlyList<double> PerTopic);

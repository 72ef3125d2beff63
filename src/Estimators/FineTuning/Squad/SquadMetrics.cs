using System.Text;
using System.Text.RegularExpressions;

namespace MLNetContextual;

/// <summary>Exact match and F1 of the official SQuAD v1.1 evaluation script, in percent.</summary>
/// <param name="ExactMatch">Share of questions whose normalised prediction equals a normalised gold answer.</param>
/// <param name="F1">Mean over questions of the best token-overlap F1 against the gold answers.</param>
/// <param name="Count">Questions scored.</param>
public sealed record SquadScores(double ExactMatch, double F1, int Count)
{
    /// <inheritdoc />
    public override string ToString() => $"EM {ExactMatch:F2}, F1 {F1:F2} over {Count} questions";
}

/// <summary>
/// The official SQuAD v1.1 evaluation (<c>evaluate-v1.1.py</c>): answers are normalised (lower case, ASCII punctuation
/// removed, the articles a/an/the removed, whitespace collapsed), then compared by exact match and by token-overlap F1,
/// taking the maximum over the gold answers of each question.
/// </summary>
public static class SquadMetrics
{
    private const string Punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";   // Python's string.punctuation
    private static readonly Regex s_articles = new(@"\b(a|an|the)\b", RegexOptions.CultureInvariant);

    /// <summary>The script's <c>normalize_answer</c>.</summary>
    public static string Normalize(string text)
    {
        var sb = new StringBuilder((text ?? string.Empty).Length);
        foreach (char c in (text ?? string.Empty).ToLowerInvariant())
            if (Punctuation.IndexOf(c) < 0)
                sb.Append(c);
        string noArticles = s_articles.Replace(sb.ToString(), " ");
        return string.Join(' ', SplitWhitespace(noArticles));
    }

    /// <summary>1 when the normalised prediction equals the normalised gold answer, else 0.</summary>
    public static double ExactMatch(string prediction, string gold) => Normalize(prediction) == Normalize(gold) ? 1 : 0;

    /// <summary>Token-overlap F1 between the normalised answers (0 when they share no token).</summary>
    public static double F1(string prediction, string gold)
    {
        var predicted = SplitWhitespace(Normalize(prediction));
        var expected = SplitWhitespace(Normalize(gold));
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var t in expected)
            counts[t] = counts.GetValueOrDefault(t) + 1;
        int same = 0;
        foreach (var t in predicted)
            if (counts.TryGetValue(t, out int n) && n > 0)
            {
                counts[t] = n - 1;
                same++;
            }
        if (same == 0)
            return 0;
        double precision = (double)same / predicted.Length, recall = (double)same / expected.Length;
        return 2 * precision * recall / (precision + recall);
    }

    /// <summary>The best exact match against any of <paramref name="golds"/>.</summary>
    public static double ExactMatch(string prediction, IEnumerable<string> golds) => MaxOver(golds, g => ExactMatch(prediction, g));

    /// <summary>The best F1 against any of <paramref name="golds"/>.</summary>
    public static double F1(string prediction, IEnumerable<string> golds) => MaxOver(golds, g => F1(prediction, g));

    /// <summary>Scores predictions against their gold answers (each question counts once), in percent.</summary>
    public static SquadScores Evaluate(IEnumerable<(string Prediction, IReadOnlyList<string> Golds)> questions)
    {
        ArgumentNullException.ThrowIfNull(questions);
        double em = 0, f1 = 0;
        int n = 0;
        foreach (var (prediction, golds) in questions)
        {
            if (golds == null || golds.Count == 0)
                throw new ArgumentException($"Question {n} has no gold answer.", nameof(questions));
            em += ExactMatch(prediction ?? string.Empty, golds);
            f1 += F1(prediction ?? string.Empty, golds);
            n++;
        }
        return n == 0 ? new SquadScores(0, 0, 0) : new SquadScores(100 * em / n, 100 * f1 / n, n);
    }

    private static double MaxOver(IEnumerable<string> golds, Func<string, double> score)
    {
        ArgumentNullException.ThrowIfNull(golds);
        double best = 0;
        bool any = false;
        foreach (var g in golds)
        {
            best = Math.Max(best, score(g));
            any = true;
        }
        return any ? best : throw new ArgumentException("At least one gold answer is needed.", nameof(golds));
    }

    // Python's str.split(): runs of whitespace separate, no empty items.
    private static string[] SplitWhitespace(string s) =>
        s.Split((char[])null, StringSplitOptions.RemoveEmptyEntries);
}

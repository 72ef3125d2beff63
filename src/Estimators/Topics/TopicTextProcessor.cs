using System.Globalization;
using System.Text;

namespace MLNetContextual;

/// <summary>
/// Splits a document into the words a topic model counts, as the reference's <c>WhiteSpacePreprocessingStopwords</c>
/// followed by scikit-learn's <c>CountVectorizer</c> does:
/// 1. lowercase, then strip accents (Unicode NFD, combining marks removed; gensim's <c>deaccent</c>);
/// 2. every ASCII punctuation character (Python's <c>string.punctuation</c>) becomes a space, and so does every digit
///    when numbers are removed;
/// 3. words are maximal runs of letters, digits and underscores (<c>\w</c>) of at least 2 characters
///    (<c>CountVectorizer</c>'s <c>\b\w\w+\b</c>);
/// 4. stop words are dropped.
/// Known deviation: the reference drops stop words from whitespace-separated tokens before step 3, so a token such as
/// "l’été" (non-ASCII apostrophe) is split here first and its parts are then checked against the list.
/// </summary>
internal sealed class TopicTextProcessor
{
    private readonly HashSet<string> _stopWords;
    private readonly bool _removeNumbers;

    public TopicTextProcessor(IEnumerable<string> stopWords, bool removeNumbers)
    {
        _stopWords = new HashSet<string>((stopWords ?? []).Select(w => w.ToLowerInvariant()), StringComparer.Ordinal);
        _removeNumbers = removeNumbers;
    }

    /// <summary>The words of <paramref name="text"/>, in order (null text: none).</summary>
    public List<string> Words(string text)
    {
        var words = new List<string>();
        if (string.IsNullOrEmpty(text))
            return words;
        string folded = Deaccent(text.ToLowerInvariant());
        var current = new StringBuilder();
        foreach (char c in folded)
        {
            bool word = IsWordChar(c) && !(_removeNumbers && c is >= '0' and <= '9');
            if (word)
            {
                current.Append(c);
                continue;
            }
            Flush(current, words);
        }
        Flush(current, words);
        return words;
    }

    private void Flush(StringBuilder current, List<string> words)
    {
        if (current.Length >= 2)
        {
            string w = current.ToString();
            if (!_stopWords.Contains(w))
                words.Add(w);
        }
        current.Clear();
    }

    // \w in Python's re (Unicode): letters, digits, underscore, and combining marks; ASCII punctuation is never a word char.
    private static bool IsWordChar(char c) => c == '_' || char.IsLetterOrDigit(c)
        || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;

    private static string Deaccent(string text)
    {
        bool ascii = true;
        foreach (char c in text)
            if (c > 127) { ascii = false; break; }
        if (ascii)
            return text;
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (char c in decomposed)
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
                sb.Append(c);
        return sb.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>NLTK's English stop-word list (179 words), the list the reference's examples use.</summary>
    public static readonly IReadOnlyCollection<string> EnglishStopWords = Array.AsReadOnly(
    [
        "i", "me", "my", "myself", "we", "our", "ours", "ourselves", "you", "you're", "you've", "you'll", "you'd", "your",
        "yours", "yourself", "yourselves", "he", "him", "his", "himself", "she", "she's", "her", "hers", "herself", "it",
        "it's", "its", "itself", "they", "them", "their", "theirs", "themselves", "what", "which", "who", "whom", "this",
        "that", "that'll", "these", "those", "am", "is", "are", "was", "were", "be", "been", "being", "have", "has", "had",
        "having", "do", "does", "did", "doing", "a", "an", "the", "and", "but", "if", "or", "because", "as", "until",
        "while", "of", "at", "by", "for", "with", "about", "against", "between", "into", "through", "during", "before",
        "after", "above", "below", "to", "from", "up", "down", "in", "out", "on", "off", "over", "under", "again",
        "further", "then", "once", "here", "there", "when", "where", "why", "how", "all", "any", "both", "each", "few",
        "more", "most", "other", "some", "such", "no", "nor", "not", "only", "own", "same", "so", "than", "too", "very",
        "s", "t", "can", "will", "just", "don", "don't", "should", "should've", "now", "d", "ll", "m", "o", "re", "ve",
        "y", "ain", "aren", "aren't", "couldn", "couldn't", "didn", "didn't", "doesn", "doesn't", "hadn", "hadn't",
        "hasn", "hasn't", "haven", "haven't", "isn", "isn't", "ma", "mightn", "mightn't", "mustn", "mustn't", "needn",
        "needn't", "shan", "shan't", "shouldn", "shouldn't", "wasn", "wasn't", "weren", "weren't", "won", "won't",
        "wouldn", "wouldn't",
    ]);
}

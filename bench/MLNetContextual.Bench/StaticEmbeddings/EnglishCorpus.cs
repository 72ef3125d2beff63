using System.Text;
using System.Text.Json;

namespace MLNetContextual.Bench.StaticEmbeddings;

/// <summary>
/// The shared English corpus (Gutenberg selections, Brown, Reuters-21578 training + test) as rows of tokens, read lazily
/// on every enumeration: lower-cased, tokens are maximal runs of letters or digits. Rows: a Gutenberg paragraph, a Brown
/// sentence, a Reuters document.
/// </summary>
internal static class EnglishCorpus
{
    public sealed class Row
    {
        public string[] Tokens { get; set; }
    }

    public static IEnumerable<Row> Rows()
    {
        foreach (var file in Directory.GetFiles(Datasets.File("english-corpus", "gutenberg"), "*.txt").Order(StringComparer.Ordinal))
        {
            var paragraph = new StringBuilder();
            foreach (var line in File.ReadLines(file, Encoding.Latin1))
            {
                if (string.IsNullOrWhiteSpace(line))
                {
                    if (Tokenize(paragraph.ToString()) is { Length: > 0 } t) yield return new Row { Tokens = t };
                    paragraph.Clear();
                }
                else paragraph.Append(line).Append(' ');
            }
            if (Tokenize(paragraph.ToString()) is { Length: > 0 } last) yield return new Row { Tokens = last };
        }
        foreach (var line in File.ReadLines(Datasets.File("english-corpus", "brown", "brown.txt")))
            if (Tokenize(line) is { Length: > 0 } t) yield return new Row { Tokens = t };
        foreach (var part in new[] { "training.jsonl", "test.jsonl" })
            foreach (var line in File.ReadLines(Datasets.File("english-corpus", "reuters", part)))
            {
                using var doc = JsonDocument.Parse(line);
                if (Tokenize(doc.RootElement.GetProperty("text").GetString()) is { Length: > 0 } t) yield return new Row { Tokens = t };
            }
    }

    /// <summary>Lower-cased maximal runs of letters or digits.</summary>
    public static string[] Tokenize(string text)
    {
        var tokens = new List<string>();
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool inWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inWord && start < 0) start = i;
            else if (!inWord && start >= 0)
            {
                tokens.Add(text.Substring(start, i - start).ToLowerInvariant());
                start = -1;
            }
        }
        return tokens.ToArray();
    }
}

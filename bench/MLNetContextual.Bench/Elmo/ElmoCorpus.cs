using System.Text;
using System.Text.Json;

namespace MLNetContextual.Bench.Elmo;

/// <summary>The shared English corpus as raw text rows for ELMo (case and punctuation kept; ELMo reads characters):
/// Gutenberg paragraphs, Brown sentences, Reuters documents. Every 200th row is held back as validation text.</summary>
internal static class ElmoCorpus
{
    public sealed class Row
    {
        public string Text { get; set; }
    }

    /// <param name="includeBrown">Whether the Brown sentences are included (false for runs evaluated on brown-pos,
    /// whose dev and test sentences brown.txt holds).</param>
    public static IEnumerable<string> All(bool includeBrown = true)
    {
        foreach (var file in Directory.GetFiles(Datasets.File("english-corpus", "gutenberg"), "*.txt").Order(StringComparer.Ordinal))
        {
            var paragraph = new StringBuilder();
            foreach (var line in File.ReadLines(file, Encoding.Latin1))
            {
                if (string.IsNullOrWhiteSpace(line))
                {
                    if (paragraph.Length > 0)
                        yield return paragraph.ToString();
                    paragraph.Clear();
                }
                else
                    paragraph.Append(line.Trim()).Append(' ');
            }
            if (paragraph.Length > 0)
                yield return paragraph.ToString();
        }
        if (includeBrown)
            foreach (var line in File.ReadLines(Datasets.File("english-corpus", "brown", "brown.txt")))
                if (!string.IsNullOrWhiteSpace(line))
                    yield return line;
        foreach (var part in new[] { "training.jsonl", "test.jsonl" })
            foreach (var line in File.ReadLines(Datasets.File("english-corpus", "reuters", part)))
            {
                using var doc = JsonDocument.Parse(line);
                var text = doc.RootElement.GetProperty("text").GetString();
                if (!string.IsNullOrWhiteSpace(text))
                    yield return text.Replace('\n', ' ');
            }
    }

    /// <summary>Training rows and validation rows (every 200th, at most <paramref name="maxValidation"/>).</summary>
    public static (List<Row> Train, List<Row> Validation) Split(int maxValidation = 400)
    {
        var train = new List<Row>();
        var validation = new List<Row>();
        int i = 0;
        foreach (var text in All())
        {
            if (i++ % 200 == 199 && validation.Count < maxValidation)
                validation.Add(new Row { Text = text });
            else
                train.Add(new Row { Text = text });
        }
        return (train, validation);
    }
}

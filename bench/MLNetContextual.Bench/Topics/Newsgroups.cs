using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MLNetContextual.Bench.Topics;

/// <summary>
/// 20 Newsgroups (bydate) train from shared/datasets/20newsgroups/train.jsonl.gz, with headers, signature blocks and
/// quoted lines removed as scikit-learn's <c>fetch_20newsgroups(remove=('headers', 'footers', 'quotes'))</c> does
/// (its strip_newsgroup_header, _footer, _quoting, in that order).
/// </summary>
internal static partial class Newsgroups
{
    public sealed record Post(int Id, int Label, string Group, string Text);

    public static List<Post> ReadTrain()
    {
        string path = Datasets.File("20newsgroups", "train.jsonl.gz");
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var reader = new StreamReader(gz);
        var posts = new List<Post>();
        while (reader.ReadLine() is string line)
        {
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            posts.Add(new Post(r.GetProperty("id").GetInt32(), r.GetProperty("label").GetInt32(), r.GetProperty("label_name").GetString(),
                Strip(r.GetProperty("text").GetString())));
        }
        return posts;
    }

    public static string Strip(string text) => StripQuoting(StripFooter(StripHeader(text)));

    /// <summary>Everything after the first blank line.</summary>
    private static string StripHeader(string text)
    {
        int i = text.IndexOf("\n\n", StringComparison.Ordinal);
        return i < 0 ? string.Empty : text[(i + 2)..];
    }

    /// <summary>Drops the block after the last line made only of dashes (or blank), the usual signature separator.</summary>
    private static string StripFooter(string text)
    {
        var lines = text.Trim().Split('\n');
        for (int n = lines.Length - 1; n >= 0; n--)
            if (lines[n].Trim().Trim('-').Length == 0)
                return n > 0 ? string.Join('\n', lines[..n]) : text;
        return text;
    }

    private static string StripQuoting(string text) =>
        string.Join('\n', text.Split('\n').Where(l => !QuoteLine().IsMatch(l)));

    [GeneratedRegex(@"(writes in|writes:|wrote:|says:|said:|^In article|^Quoted from|^\||^>)")]
    private static partial Regex QuoteLine();
}

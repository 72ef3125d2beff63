// Learns a contextualized topic model (CombinedTM) on 20 Newsgroups posts: MiniLM sentence embeddings from
// ApplyContextualEmbedding, the topic model on the text and the embeddings, then prints each topic's top words and
// its NPMI coherence against the posts, the topic diversity and the inverted RBO, and the topics of two new texts.
// dotnet run -c Release --project samples/TopicModels [-- path/to/20newsgroups/train.jsonl.gz [posts]]
// Encoding posts with MiniLM is the slow part (3-5 posts/s of 128 tokens on 2 heavily shared cores, more on an idle
// machine): the default is 1,000 posts. Topics and figures vary with the machine, its load and the posts taken.
using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetContextual;

string path = args.Length > 0 ? args[0] : FindDataset();
int limit = args.Length > 1 ? int.Parse(args[1]) : 1000;
if (path == null || !File.Exists(path))
{
    Console.Error.WriteLine("20 Newsgroups not found: pass the path of train.jsonl.gz (one JSON post per line with a \"text\" field), " +
                            "or put it at shared/datasets/20newsgroups/train.jsonl.gz beside the repository.");
    return 1;
}

var all = ReadPosts(path).ToList();                                        // the file is sorted by newsgroup:
var posts = Enumerable.Range(0, Math.Min(limit, all.Count))               // take evenly spaced posts to cover all 20
    .Select(i => new Post { Text = all[(int)((long)i * all.Count / Math.Min(limit, all.Count))] }).ToList();
Console.WriteLine($"{posts.Count} of {all.Count} posts from {path} (headers, signatures and quoted lines removed).");

var ml = new MLContext(seed: 1);
var data = ml.Data.LoadFromEnumerable(posts);
var pipeline = ml.Transforms.Text.ApplyContextualEmbedding("Embedding", "Text", new ContextualEmbeddingOptions { MaxTokens = 128 })
    .AppendCacheCheckpoint(ml)                                             // embed each post once, not once per pass
    .Append(ml.Transforms.Text.LearnContextualTopics(new ContextualTopicModelOptions
    {
        OutputColumnName = "Topics", TextColumnName = "Text", EmbeddingColumnName = "Embedding",
        Variant = ContextualTopicModelVariant.Combined,
        NumberOfTopics = 10,
        MaxEpochs = 50,
        Progress = new Progress<ContextualTopicModelProgress>(p => { if (p.Epoch % 10 == 0) Console.WriteLine($"  {p}"); }),
    }));
var model = pipeline.Fit(data);
var topics = model.LastTransformer;

var reference = posts.Select(p => TopicQuality.Words(p.Text)).ToList();
var top = TopicQuality.TopWords(topics, 25);
var coherence = TopicQuality.NpmiCoherence(top, reference, topWords: 10);
for (int k = 0; k < top.Count; k++)
    Console.WriteLine($"topic {k}  NPMI {coherence.PerTopic[k],6:F3}  {string.Join(' ', top[k].Take(10))}");
Console.WriteLine($"NPMI@10 {coherence.Mean:F3}, diversity@25 {TopicQuality.TopicDiversity(top, 25):F3}, inverted RBO@10 {TopicQuality.InvertedRbo(top, 10):F3}");

using var engine = ml.Model.CreatePredictionEngine<Post, Prediction>(model);
foreach (var text in new[] { "The new graphics card drivers crash my Windows machine.", "Our team won the hockey game in overtime." })
{
    var p = engine.Predict(new Post { Text = text }).Topics;
    int best = Array.IndexOf(p, p.Max());
    Console.WriteLine($"{p[best]:P0} topic {best} ({string.Join(' ', top[best].Take(5))}): {text}");
}
return 0;

static string FindDataset()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
    {
        string candidate = Path.Combine(dir.FullName, "shared", "datasets", "20newsgroups", "train.jsonl.gz");
        if (File.Exists(candidate))
            return candidate;
    }
    return null;
}

// Headers (up to the first blank line), the signature after the last "--" line, and quoted lines are removed, as
// scikit-learn's fetch_20newsgroups(remove=('headers', 'footers', 'quotes')) does.
static IEnumerable<string> ReadPosts(string file)
{
    var quote = new Regex(@"(writes in|writes:|wrote:|says:|said:|^In article|^Quoted from|^\||^>)");
    using var reader = new StreamReader(new GZipStream(File.OpenRead(file), CompressionMode.Decompress));
    while (reader.ReadLine() is string line)
    {
        string text = JsonDocument.Parse(line).RootElement.GetProperty("text").GetString();
        int blank = text.IndexOf("\n\n", StringComparison.Ordinal);
        text = blank < 0 ? "" : text[(blank + 2)..];
        var lines = text.Trim().Split('\n');
        int cut = Array.FindLastIndex(lines, l => l.Trim().Trim('-').Length == 0);
        if (cut > 0)
            lines = lines[..cut];
        yield return string.Join('\n', lines.Where(l => !quote.IsMatch(l)));
    }
}

sealed class Post
{
    public string Text { get; set; }
}

sealed class Prediction
{
    [VectorType(10)] public float[] Topics { get; set; }
}

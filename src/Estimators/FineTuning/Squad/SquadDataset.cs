using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>One question of a SQuAD v1.1 file, with the columns the <c>ContextualQuestionAnswer</c> trainer reads.</summary>
public sealed class SquadQuestion
{
    /// <summary>The question id.</summary>
    public string Id { get; set; }
    /// <summary>The title of the article the paragraph comes from (split by it to keep articles apart).</summary>
    public string Title { get; set; }
    /// <summary>The paragraph.</summary>
    public string Context { get; set; }
    /// <summary>The question.</summary>
    public string Question { get; set; }
    /// <summary>The first gold answer.</summary>
    public string TrainingAnswer { get; set; }
    /// <summary>Character index of <see cref="TrainingAnswer"/> in <see cref="Context"/>.</summary>
    public int AnswerIndex { get; set; }
    /// <summary>All gold answers (dev files have several), for <see cref="SquadMetrics"/>.</summary>
    public string[] Answers { get; set; }
}

/// <summary>Reads SQuAD v1.1 JSON (<c>{"data": [{"title", "paragraphs": [{"context", "qas": [...]}]}]}</c>).</summary>
public static class SquadDataset
{
    /// <summary>The questions of <paramref name="path"/>, in file order.</summary>
    public static IReadOnlyList<SquadQuestion> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <summary>The questions of a SQuAD v1.1 JSON stream.</summary>
    public static IReadOnlyList<SquadQuestion> Read(Stream json, string sourceName = "stream")
    {
        using var doc = JsonDocument.Parse(json);
        if (!doc.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"{sourceName} is not SQuAD JSON: it has no \"data\" array.");
        var result = new List<SquadQuestion>();
        foreach (var article in data.EnumerateArray())
        {
            string title = article.TryGetProperty("title", out var t) ? t.GetString() : null;
            foreach (var paragraph in article.GetProperty("paragraphs").EnumerateArray())
            {
                string context = paragraph.GetProperty("context").GetString();
                foreach (var qa in paragraph.GetProperty("qas").EnumerateArray())
                {
                    var answers = qa.GetProperty("answers").EnumerateArray()
                        .Select(a => (Text: a.GetProperty("text").GetString(), Start: a.GetProperty("answer_start").GetInt32()))
                        .ToList();
                    string id = qa.TryGetProperty("id", out var idElement) ? idElement.GetString() : null;
                    if (answers.Count == 0)
                        throw new InvalidDataException($"{sourceName}: question '{id}' has no answer (SQuAD v2 unanswerable questions are not supported).");
                    result.Add(new SquadQuestion
                    {
                        Id = id,
                        Title = title,
                        Context = context,
                        Question = qa.GetProperty("question").GetString(),
                        TrainingAnswer = answers[0].Text,
                        AnswerIndex = answers[0].Start,
                        Answers = answers.Select(a => a.Text).ToArray(),
                    });
                }
            }
        }
        return result;
    }

    /// <summary>
    /// The questions of <paramref name="path"/> as an IDataView with columns <c>Id</c>, <c>Title</c>, <c>Context</c>,
    /// <c>Question</c>, <c>TrainingAnswer</c>, <c>AnswerIndex</c> (Int32 character index) and <c>Answers</c>.
    /// </summary>
    public static IDataView Load(string path, MLContext mlContext = null) =>
        (mlContext ?? new MLContext()).Data.LoadFromEnumerable(Read(path));
}

using Microsoft.ML;

namespace MLNetContextual.Tests.FineTuning;

public class SquadDatasetTests
{
    internal const string Json = """
    {"version": "1.1", "data": [
      {"title": "Rivers", "paragraphs": [
        {"context": "The Rhine flows through Basel. It ends in the North Sea.",
         "qas": [
           {"id": "q1", "question": "Where does the Rhine end?", "answers": [{"answer_start": 42, "text": "the North Sea"}, {"answer_start": 46, "text": "North Sea"}]},
           {"id": "q2", "question": "Which city does the Rhine flow through?", "answers": [{"answer_start": 24, "text": "Basel"}]}
         ]}
      ]},
      {"title": "Cakes", "paragraphs": [
        {"context": "A sponge cake needs eggs.", "qas": [{"id": "q3", "question": "What does a sponge cake need?", "answers": [{"answer_start": 20, "text": "eggs"}]}]}
      ]}
    ]}
    """;

    [Fact]
    public void Read_OneRowPerQuestion_WithCharacterIndex()
    {
        var questions = SquadDataset.Read(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Json)));
        Assert.Equal(3, questions.Count);
        Assert.Equal(["q1", "q2", "q3"], questions.Select(q => q.Id));
        Assert.Equal("Rivers", questions[0].Title);
        Assert.Equal(["the North Sea", "North Sea"], questions[0].Answers);
        foreach (var q in questions)
            Assert.Equal(q.TrainingAnswer, q.Context.Substring(q.AnswerIndex, q.TrainingAnswer.Length));
    }

    [Fact]
    public void Load_GivesTheTrainerColumns()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "squad.json");
        File.WriteAllText(path, Json);
        var data = SquadDataset.Load(path, new MLContext(seed: 1));
        foreach (var name in new[] { "Context", "Question", "TrainingAnswer", "AnswerIndex", "Title", "Answers" })
            Assert.NotNull(data.Schema.GetColumnOrNull(name));
        Assert.Equal(Microsoft.ML.Data.NumberDataViewType.Int32, data.Schema["AnswerIndex"].Type);
    }

    [Fact]
    public void Read_NotSquad_SaysSo()
    {
        var e = Assert.Throws<InvalidDataException>(() => SquadDataset.Read(new MemoryStream("{\"x\": 1}"u8.ToArray()), "x.json"));
        Assert.Contains("\"data\"", e.Message);
    }
}

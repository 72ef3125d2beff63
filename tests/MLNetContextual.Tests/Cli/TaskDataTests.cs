using MLNetContextual.Cli.Data;

namespace MLNetContextual.Tests;

public class TaskDataTests
{
    [Fact]
    public void LabelAndTextByIndex_BinaryPositiveClass()
    {
        using var dir = new TempFolder();
        var data = TaskData.Load(TaskKind.Classification, CliData.BinaryCsv(dir), false, new ColumnSpec("0", ["1"], []));
        Assert.True(data.IsBinary);
        Assert.Equal("1", data.PositiveClass);
        Assert.Equal(16, data.Examples.Count);
        Assert.Equal(CliData.Sport[0], data.Examples[0].Text);
    }

    [Fact]
    public void TextColumnGuessed_LongestRemaining_IgnoreCols()
    {
        using var dir = new TempFolder();
        var data = TaskData.Load(TaskKind.Classification, CliData.Topics(dir), null, new ColumnSpec("Topic", [], ["Id"]));
        Assert.Equal(["Sentence"], data.TextNames);
        Assert.Equal(["food", "sport", "weather"], data.Classes);
    }

    [Fact]
    public void OneClass_Refused()
    {
        using var dir = new TempFolder();
        File.WriteAllLines(dir.File("d.tsv"), ["Text\tLabel", "a\tyes", "b\tyes", "c\tyes"]);
        var e = Assert.Throws<InvalidDataException>(() => TaskData.Load(TaskKind.Classification, dir.File("d.tsv"), null, new ColumnSpec("Label", ["Text"], [])));
        Assert.Contains("one class ('yes')", e.Message);
        Assert.Contains("at least two", e.Message);
    }

    [Fact]
    public void EmptyTextColumn_Refused()
    {
        using var dir = new TempFolder();
        File.WriteAllLines(dir.File("d.tsv"), ["Text\tLabel", "\t1", " \t0", "\t1"]);
        var e = Assert.Throws<InvalidDataException>(() => TaskData.Load(TaskKind.Classification, dir.File("d.tsv"), true, new ColumnSpec("Label", ["Text"], [])));
        Assert.Contains("text column 'Text' is empty in all 3 rows", e.Message);
    }

    [Fact]
    public void UnknownColumn_ListsColumns()
    {
        using var dir = new TempFolder();
        File.WriteAllLines(dir.File("d.tsv"), ["Text\tLabel", "a\t1", "b\t0"]);
        var e = Assert.Throws<ArgumentException>(() => TaskData.Load(TaskKind.Classification, dir.File("d.tsv"), true, new ColumnSpec("Label", ["Review"], [])));
        Assert.Contains("--text-col 'Review' is not a column", e.Message);
        Assert.Contains("Columns: Text, Label", e.Message);
    }

    [Fact]
    public void TestSetWithUnseenLabels_NamesThemAndTheLine()
    {
        using var dir = new TempFolder();
        var columns = new ColumnSpec("Topic", ["Sentence"], []);
        var train = TaskData.Load(TaskKind.Classification, CliData.Topics(dir), null, columns);
        File.WriteAllLines(dir.File("test.tsv"), ["Id\tSentence\tTopic", "1\tThe election is next week.\tpolitics", "2\tRain again.\tweather"]);
        var e = Assert.Throws<InvalidDataException>(() => TaskData.LoadLike(train, dir.File("test.tsv"), null, columns, "--test-dataset"));
        Assert.Contains("'politics'", e.Message);
        Assert.Contains("line 2", e.Message);
        Assert.Contains("--test-dataset", e.Message);
    }

    [Fact]
    public void RegressionLabelNotANumber_NamesTheLine()
    {
        using var dir = new TempFolder();
        File.WriteAllLines(dir.File("d.tsv"), ["Text\tScore", "a\t1.5", "b\thigh"]);
        var e = Assert.Throws<InvalidDataException>(() => TaskData.Load(TaskKind.Regression, dir.File("d.tsv"), true, new ColumnSpec("Score", ["Text"], [])));
        Assert.Contains("line 3", e.Message);
        Assert.Contains("'high'", e.Message);
    }
}

public class CancellationTests
{
    [Theory]
    [InlineData("FastTree")]
    [InlineData("LightGBM")]
    [InlineData("SDCA logistic")]
    public void CancelledMLContext_StopsItsTrainer(string trainer)
    {
        Assert.True(MLNetContextual.Cli.Sweep.Cancellation.Supported);
        var ml = new Microsoft.ML.MLContext(1);
        var rows = Enumerable.Range(0, 200).Select(i => new Row { Features = [i % 2, i % 3, i % 5], Label = i % 2 == 0 }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        MLNetContextual.Cli.Sweep.Cancellation.Cancel(ml);
        var spec = MLNetContextual.Cli.Sweep.TrainerSpec.ForFeatures(binary: true, multiclass: false, rows: 200).Single(t => t.Name == trainer);
        Assert.ThrowsAny<OperationCanceledException>(() => spec.Create(ml).Fit(data));
    }

    private sealed class Row
    {
        [Microsoft.ML.Data.VectorType(3)]
        public float[] Features { get; set; }
        public bool Label { get; set; }
    }
}

using MLNetContextual.Cli.Data;

namespace MLNetContextual.Tests;

public class TextTableTests
{
    [Fact]
    public void Csv_QuotedFieldsWithSeparatorsNewlinesAndQuotes()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("d.csv"), "Text,Label\n\"a, b\",1\n\"two\nlines\",0\n\"say \"\"hi\"\"\",1\n");
        var table = TextTable.Read(dir.File("d.csv"), hasHeader: null);
        Assert.Equal(["Text", "Label"], table.Columns);
        Assert.Equal(["a, b", "two\nlines", "say \"hi\""], table.Rows.Select(r => r[0]));
        Assert.Equal([2, 3, 5], table.Lines);
    }

    [Fact]
    public void WrongFieldCount_NamesTheLine()
    {
        using var dir = new TempFolder();
        File.WriteAllLines(dir.File("d.tsv"), ["Text\tLabel", "good\t1", "bad row with no tab", "fine\t0"]);
        var e = Assert.Throws<InvalidDataException>(() => TextTable.Read(dir.File("d.tsv"), true));
        Assert.Contains("line 3", e.Message);
        Assert.Contains("1 field(s)", e.Message);
        Assert.Contains("expected 2", e.Message);
    }

    [Fact]
    public void UnclosedQuote_NamesTheLineItStarts()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("d.csv"), "Text,Label\nok,1\n\"never closed,0\nmore,1\n");
        var e = Assert.Throws<InvalidDataException>(() => TextTable.Read(dir.File("d.csv"), true));
        Assert.Contains("line 3", e.Message);
        Assert.Contains("not closed", e.Message);
    }

    [Fact]
    public void JsonLines_BadLineNamed_ColumnsFromKeys()
    {
        using var dir = new TempFolder();
        File.WriteAllLines(dir.File("ok.jsonl"), ["{\"text\": \"a\", \"label\": 1}", "", "{\"text\": \"b\", \"label\": 0}"]);
        var table = TextTable.Read(dir.File("ok.jsonl"), null);
        Assert.Equal(["text", "label"], table.Columns);
        Assert.Equal(["1", "0"], table.Rows.Select(r => r[1]));
        Assert.Equal([1, 3], table.Lines);

        File.WriteAllLines(dir.File("bad.jsonl"), ["{\"text\": \"a\", \"label\": 1}", "{\"text\": \"b\", label: 0}"]);
        var e = Assert.Throws<InvalidDataException>(() => TextTable.Read(dir.File("bad.jsonl"), null));
        Assert.Contains("line 2", e.Message);
    }

    [Fact]
    public void MissingFile_SaysSo()
    {
        var e = Assert.Throws<FileNotFoundException>(() => TextTable.Read("/nonexistent/data.tsv", null));
        Assert.Contains("'/nonexistent/data.tsv' does not exist", e.Message);
    }

    [Fact]
    public void HeaderGuess_NumbersMeanNoHeader()
    {
        using var dir = new TempFolder();
        File.WriteAllLines(dir.File("d.tsv"), ["1\tgreat food", "0\tawful"]);
        var table = TextTable.Read(dir.File("d.tsv"), null);
        Assert.Equal(["col0", "col1"], table.Columns);
        Assert.Equal(2, table.Rows.Count);
    }
}

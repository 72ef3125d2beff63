using MLNetContextual.Cli.Data;
using MLNetContextual.Cli.Sweep;

namespace MLNetContextual.Cli.Output;

/// <summary>
/// Writes <c>&lt;Name&gt;.Training/</c>: a project that reproduces the chosen pipeline in plain C# (load the dataset,
/// prepare the label, fit, save model.zip), for users who want to change it or train it again.
/// </summary>
public static class TrainingProject
{
    /// <summary>Writes the project under <paramref name="root"/>; returns its folder.</summary>
    public static string Write(string root, SweepOutcome outcome, LibraryReferences references)
    {
        string folder = GeneratedProject.Create(root, outcome.Settings.Name + ".Training", outcome, references,
            $"trains {outcome.Best.Candidate.Pipeline} again and writes model.zip.");
        File.WriteAllText(Path.Combine(folder, "Program.cs"), Program(outcome));
        return folder;
    }

    private static string Program(SweepOutcome outcome)
    {
        var s = outcome.Settings;
        var data = outcome.Train;
        var best = outcome.Best.Candidate;
        string[] files = new[] { s.Dataset, s.ValidationDataset }.Where(f => f != null).Select(Path.GetFullPath).ToArray();
        var table = TextTable.Read(files[0], s.HasHeader);
        int Index(string column) => Array.IndexOf(table.Columns, column);
        bool jsonl = files[0].EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase);
        bool header = !table.Columns.SequenceEqual(Enumerable.Range(0, table.Columns.Length).Select(i => $"col{i}"));
        string labelType = data.Task == TaskKind.Regression ? "float" : "string";

        string load = jsonl
            ? $$"""
                // JSON lines: one object per line.
                var rows = files.SelectMany(File.ReadLines).Where(l => l.Trim().Length > 0).Select(l =>
                {
                    using var doc = System.Text.Json.JsonDocument.Parse(l);
                    string Field(string name) => doc.RootElement.TryGetProperty(name, out var v)
                        ? (v.ValueKind == System.Text.Json.JsonValueKind.String ? v.GetString() : v.GetRawText()) : null;
                    return new Row { Text = Field({{Literal(data.TextNames[0])}}), {{(data.IsPair ? $"Text2 = Field({Literal(data.TextNames[1])}), " : "")}}Label = {{(data.Task == TaskKind.Regression ? $"float.Parse(Field({Literal(data.LabelName)}), CultureInfo.InvariantCulture)" : $"Field({Literal(data.LabelName)})")}} };
                }).ToList();
                var input = ml.Data.LoadFromEnumerable(rows);
                """
            : $$"""
                var loader = ml.Data.CreateTextLoader(
                [
                    new TextLoader.Column("Text", DataKind.String, {{Index(data.TextNames[0])}}),
                {{(data.IsPair ? $"    new TextLoader.Column(\"Text2\", DataKind.String, {Index(data.TextNames[1])}),\n" : "")}}    new TextLoader.Column("Label", DataKind.{{(data.Task == TaskKind.Regression ? "Single" : "String")}}, {{Index(data.LabelName)}}),
                ], separatorChar: {{(files[0].EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? "','" : "'\\t'")}}, hasHeader: {{(header ? "true" : "false")}}, allowQuoting: true);
                var input = loader.Load(files);
                """;
        string label = data.Task == TaskKind.Regression ? "// Regression: the label is read as a number."
            : data.IsBinary
                ? $"// Binary: '{data.PositiveClass}' is the positive class.\ninput = ml.Transforms.Conversion.MapValue(\"Label\", new[] {{ new KeyValuePair<string, bool>({Literal(outcome.ScoreClasses[0])}, false), new KeyValuePair<string, bool>({Literal(outcome.ScoreClasses[1])}, true) }}, \"Label\")\n    .Fit(input).Transform(input);"
                : "// Multiclass: class names to keys (not saved in the model: prediction needs only the text).\ninput = ml.Transforms.Conversion.MapValueToKey(\"Label\").Fit(input).Transform(input);";
        string post = outcome.ScoreClasses != null && !data.IsBinary ? "\n    .Append(ml.Transforms.Conversion.MapKeyToValue(\"PredictedLabel\"))" : "";
        int tokens = outcome.MaxTokens ?? 256;
        string longText = (outcome.LongTextWindows ? ", LongText = LongTextHandling.Windows, WindowOverlap = 64" : "")
            + (s.SelfContainedZip ? ", SelfContainedZip = true" : "");
        string pipeline = best.Kind switch
        {
            CandidateKind.NGrams => data.IsPair
                ? $"ml.Transforms.Text.FeaturizeText(\"Features\", new Microsoft.ML.Transforms.Text.TextFeaturizingEstimator.Options(), \"Text\", \"Text2\")\n    .Append({best.Trainer.Code})"
                : $"ml.Transforms.Text.FeaturizeText(\"Features\", \"Text\")\n    .Append({best.Trainer.Code})",
            CandidateKind.FrozenEncoder => data.IsPair
                ? $"ml.Transforms.Text.ApplyContextualEmbedding(\"Features1\", \"Text\", new ContextualEmbeddingOptions {{ Encoder = {best.Encoder.FrozenCode}, MaxTokens = {tokens}{longText} }})\n" +
                  $"    .Append(ml.Transforms.Text.ApplyContextualEmbedding(\"Features2\", \"Text2\", new ContextualEmbeddingOptions {{ Encoder = {best.Encoder.FrozenCode}, MaxTokens = {tokens}{longText} }}))\n" +
                  "    .Append(ml.Transforms.Concatenate(\"Features\", \"Features1\", \"Features2\"))\n" +
                  $"    .AppendCacheCheckpoint(ml)   // each text is encoded once, however many passes the trainer makes\n    .Append({best.Trainer.Code})"
                : $"ml.Transforms.Text.ApplyContextualEmbedding(\"Features\", \"Text\", new ContextualEmbeddingOptions {{ Encoder = {best.Encoder.FrozenCode}, MaxTokens = {tokens}{longText} }})\n" +
                  $"    .AppendCacheCheckpoint(ml)   // each text is encoded once, however many passes the trainer makes\n    .Append({best.Trainer.Code})",
            _ => $"ml.{(data.IsBinary ? "BinaryClassification" : "MulticlassClassification")}.Trainers.ContextualTextClassification(new ContextualTextClassificationOptions\n" +
                 $"{{\n    LabelColumnName = \"Label\", Sentence1ColumnName = \"Text\", Sentence2ColumnName = {(data.IsPair ? "\"Text2\"" : "null")},\n" +
                 $"    Encoder = {best.Encoder.CheckpointCode}, MaxTokens = {tokens}, MaxEpochs = {EpochsOf(outcome.Best)}, Seed = {s.Seed},\n}})",
        };
        return $$"""
            // Generated by mlnetctx: trains the pipeline it chose ({{best.Pipeline}}, {{outcome.MetricName}} {{outcome.Best.Metric:F4}} on {{outcome.Scoring}})
            // on all rows of the data it was given, and saves model.zip. dotnet run -- [output.zip]
            using System.Globalization;
            using Microsoft.ML;
            using Microsoft.ML.Data;
            using MLNetContextual;

            string[] files = [{{string.Join(", ", files.Select(Literal))}}];
            string output = args.Length > 0 ? args[0] : "model.zip";
            var ml = new MLContext(seed: {{s.Seed}});
            {{load}}
            {{label}}

            var pipeline = {{pipeline}}{{post}};
            var model = pipeline.Fit(input);
            ml.Model.Save(model, {{(data.IsPair ? "ml.Data.LoadFromEnumerable(new[] { new TextPair() }).Schema" : "ml.Data.LoadFromEnumerable(new[] { new TextOnly() }).Schema")}}, output);
            Console.WriteLine($"Saved {output}");

            {{(jsonl ? $"sealed class Row {{ public string Text {{ get; set; }} {(data.IsPair ? "public string Text2 { get; set; } " : "")}public {labelType} Label {{ get; set; }} }}\n" : "")}}sealed class TextOnly { public string Text { get; set; } }
            sealed class TextPair { public string Text { get; set; } public string Text2 { get; set; } }

            """;
    }

    private static int EpochsOf(CandidateResult r) => int.TryParse(r.Note?.Split(' ')[0], out int e) ? e : 3;

    private static string Literal(string s) => ConsumeProject.Literal(s);
}

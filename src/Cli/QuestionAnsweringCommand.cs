using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetContextual.Cli.Output;
using MLNetContextual.Cli.Sweep;
using MLNetContextual.Cli.Terminal;
using Spectre.Console;

namespace MLNetContextual.Cli;

/// <summary>
/// <c>mlnetctx question-answering</c>: fine-tunes an extractive answerer (ContextualQuestionAnswer) on SQuAD v1.1 JSON
/// within the budget (fewer questions or one epoch when the budget is short, and it says so), scores it with SQuAD's
/// EM/F1, and writes model.zip, a consumption project, run.json and report/ (temp folder, moved at the end).
/// </summary>
public static class QuestionAnsweringCommand
{
    /// <summary>Runs from the command line; returns the exit code.</summary>
    public static int Run(SweepSettings settings)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            if (cancel.IsCancellationRequested)
                return;
            e.Cancel = true;
            cancel.Cancel();
        };
        return Execute(settings, AnsiConsole.Console, cancel.Token);
    }

    /// <summary>Runs on <paramref name="console"/>.</summary>
    public static int Execute(SweepSettings s, IAnsiConsole console, CancellationToken cancel)
    {
        using var view = new SweepConsole(console, s.Verbosity, s.LogFile);
        try
        {
            var clock = Stopwatch.StartNew();
            var train = Read(s.Dataset, "--dataset");
            IReadOnlyList<SquadQuestion> valid;
            if (s.ValidationDataset != null)
                valid = Read(s.ValidationDataset, "--validation-dataset");
            else
            {
                // Hold out whole articles so that no validation context was seen in training.
                var titles = train.Select(q => q.Title ?? q.Context).Distinct().ToList();
                var held = titles.Skip(titles.Count - Math.Max(1, titles.Count / 10)).ToHashSet();
                valid = train.Where(q => held.Contains(q.Title ?? q.Context)).ToList();
                train = train.Where(q => !held.Contains(q.Title ?? q.Context)).ToList();
                if (train.Count == 0)
                    throw new InvalidDataException($"--dataset '{s.Dataset}' has one article; pass --validation-dataset to score on other questions.");
            }
            var test = s.TestDataset != null ? Read(s.TestDataset, "--test-dataset") : null;
            if (!TorchAvailability.Present)
                throw new SweepException($"question-answering fine-tunes an encoder: {TorchAvailability.Missing}.");
            var encoder = EncoderChoice.Parse(s.Encoders.FirstOrDefault());
            var ml = new MLContext(s.Seed);

            // About 0.9 windows/s per 128 tokens on two cores is what the sample measures; probe this machine instead.
            double rate = encoder.Frozen != null
                ? FeatureSet.Probe(ml, encoder, train.Take(48).Select(q => new Data.Example(q.Question + " " + q.Context, null, "", 0)).ToList(), false, new EncodingPlan(384, Windows: false), null)
                : 2;
            double perQuestion = 3.5 / rate;   // a training step ≈ 3 forward passes, plus long contexts' extra windows
            double left = s.TrainTimeSeconds - clock.Elapsed.TotalSeconds - valid.Count / rate;
            int fit = (int)Math.Max(0, left * 0.8 / perQuestion);
            var notes = new List<string>();
            if (fit < 8)
                throw new SweepException($"--train-time {s.TrainTimeSeconds:F0} s is too short to fine-tune on even 8 questions here (about {perQuestion:F1} s a question, " +
                    $"{valid.Count / rate:F0} s to score the validation questions); --train-time {Math.Ceiling(clock.Elapsed.TotalSeconds + valid.Count / rate + 8 * perQuestion / 0.8 + 30):F0} would fit a first run.");
            int epochs = Math.Clamp(fit / Math.Max(1, train.Count), 1, 2);
            if (fit < train.Count)
            {
                notes.Add($"The budget fits about {fit} of {train.Count} training questions for one epoch ({perQuestion:F1} s each here): trained on the first {fit}.");
                train = train.Take(fit).ToList();
            }
            notes.Add($"{epochs} epoch(s) on {train.Count} questions, scored on {valid.Count} validation questions.");
            foreach (var n in notes)
                view.Info(n);

            var curve = new List<FineTuningProgress>();
            var options = new ContextualQuestionAnswerOptions
            {
                Encoder = encoder.Checkpoint(), MaxEpochs = epochs, Seed = s.Seed, CancellationToken = cancel, ProgressInterval = 5,
                ValidationSet = ml.Data.LoadFromEnumerable(valid),
                Progress = new ProgressRelay(p =>
                {
                    lock (curve)
                        curve.Add(p);
                    view.Progress($"Fine-tuning {encoder.Name} for question answering (steps)", p.Step, p.TotalSteps);
                }),
            };
            var trainView = ml.Data.LoadFromEnumerable(train);
            ITransformer model = view.Run(() => ml.MulticlassClassification.Trainers.ContextualQuestionAnswer(options).Fit(trainView));
            var scores = Score(ml, model, valid);
            var testScores = test != null ? Score(ml, model, test) : null;
            view.Info($"Validation: {scores}{(testScores != null ? $"; test: {testScores}" : "")}.");
            Write(s, ml, model, trainView.Schema, encoder, train, valid, scores, testScores, curve, notes, clock.Elapsed.TotalSeconds, console);
            return 0;
        }
        catch (OperationCanceledException)
        {
            console.MarkupLine("[yellow]Interrupted by Ctrl+C before fine-tuning finished; nothing was written.[/]");
            return 130;
        }
        catch (Exception e) when (e is SweepException or IOException or ArgumentException or InvalidDataException)
        {
            view.Warn(e.Message);
            console.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return 1;
        }
    }

    private static IReadOnlyList<SquadQuestion> Read(string path, string option)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{option} '{path}' does not exist.", path);
        try
        {
            var questions = SquadDataset.Read(path);
            if (questions.Count == 0)
                throw new InvalidDataException($"{option} '{path}' has no questions.");
            return questions;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{option} '{path}', line {e.LineNumber + 1}: not valid SQuAD JSON ({e.Message.Split('.')[0]}).", e);
        }
        catch (KeyNotFoundException e)
        {
            throw new InvalidDataException($"{option} '{path}' is not SQuAD v1.1 JSON: {e.Message}", e);
        }
    }

    private static SquadScores Score(MLContext ml, ITransformer model, IReadOnlyList<SquadQuestion> questions)
    {
        var scored = model.Transform(ml.Data.LoadFromEnumerable(questions));
        var answers = scored.GetColumn<string[]>("Answer").ToList();
        return SquadMetrics.Evaluate(questions.Zip(answers, (q, a) => (a?.FirstOrDefault() ?? "", (IReadOnlyList<string>)q.Answers)));
    }

    private static void Write(SweepSettings s, MLContext ml, ITransformer model, DataViewSchema schema, EncoderChoice encoder,
        IReadOnlyList<SquadQuestion> train, IReadOnlyList<SquadQuestion> valid, SquadScores scores, SquadScores test,
        List<FineTuningProgress> curve, List<string> notes, double seconds, IAnsiConsole console)
    {
        string target = s.OutputFolder, parent = Path.GetDirectoryName(target);
        Directory.CreateDirectory(parent);
        string temp = Path.Combine(parent, $".{Path.GetFileName(target)}.mlnetctx-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(temp);
            ml.Model.Save(model, schema, Path.Combine(temp, "model.zip"));
            File.WriteAllText(Path.Combine(temp, "Directory.Build.props"), "<Project />\n");
            File.WriteAllText(Path.Combine(temp, "Directory.Packages.props"), "<Project />\n");
            var references = LibraryReferences.Choose(s.LibraryReference, target);
            string folder = GeneratedProject.Create(temp, s.Name + ".ConsoleApp", references, estimators: true, [],
                $"uses ../model.zip (fine-tuned {encoder.Name}, extractive question answering).", GeneratedProject.CopyModelZip);
            var sample = valid[0];
            File.WriteAllText(Path.Combine(folder, "Program.cs"), $$"""
                // Generated by mlnetctx. dotnet run -- "context" "question"; without arguments: a validation question.
                using Microsoft.ML;

                string context = args.Length >= 2 ? args[0] : {{ConsumeProject.Literal(sample.Context)}};
                string question = args.Length >= 2 ? args[1] : {{ConsumeProject.Literal(sample.Question)}};
                var ml = new MLContext();
                var model = ml.Model.Load(Path.Combine(AppContext.BaseDirectory, "model.zip"), out _);
                using var engine = ml.Model.CreatePredictionEngine<ModelInput, ModelOutput>(model);
                var output = engine.Predict(new ModelInput { Context = context, Question = question });
                for (int i = 0; i < output.Answer.Length; i++)
                    Console.WriteLine($"{output.Score[i]:F4}\t{output.Answer[i]}");

                public sealed class ModelInput
                {
                    public string Context { get; set; }
                    public string Question { get; set; }
                }

                public sealed class ModelOutput
                {
                    public string[] Answer { get; set; }   // the best spans of the context, best first
                    public float[] Score { get; set; }     // their probabilities
                }

                """);
            string report = Path.Combine(temp, "report");
            Directory.CreateDirectory(report);
            ReportPlots.Learning(Path.Combine(report, "learning.png"), curve, $"Learning curve: fine-tune {encoder.Name} (question answering)");
            File.WriteAllText(Path.Combine(report, "index.html"), $"""
                <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>mlnetctx report: {s.Name}</title></head>
                <body data-images="1"><h1>{s.Name}: question answering</h1>
                <p id="choice">Fine-tuned {System.Net.WebUtility.HtmlEncode(encoder.Name)} on {train.Count} questions: validation EM <b>{scores.ExactMatch:F2}</b>, F1 <b>{scores.F1:F2}</b> over {scores.Count} questions{(test != null ? $"; test EM {test.ExactMatch:F2}, F1 {test.F1:F2}" : "")}.</p>
                <ul id="notes">{string.Concat(notes.Select(n => $"<li>{System.Net.WebUtility.HtmlEncode(n)}</li>"))}</ul>
                <figure><img src="learning.png" alt="Learning curve"><figcaption>Learning curve</figcaption></figure>
                </body></html>

                """);
            File.WriteAllText(Path.Combine(temp, "run.json"), JsonSerializer.Serialize(new
            {
                tool = "mlnetctx", task = "question-answering", dataset = Path.GetFullPath(s.Dataset), trainingQuestions = train.Count,
                validationQuestions = valid.Count, encoder = encoder.Source, settings = s, validation = scores, test, notes, seconds,
                curve = curve.Select(p => new { p.Epoch, p.Step, p.TotalSteps, loss = double.IsNaN(p.Loss) ? (double?)null : p.Loss, validation = p.ValidationMetric }),
            }, new JsonSerializerOptions { WriteIndented = true }));
            if (Directory.Exists(target))
                Directory.Delete(target, recursive: true);
            Directory.Move(temp, target);
        }
        catch
        {
            if (Directory.Exists(temp))
                Directory.Delete(temp, recursive: true);
            throw;
        }
        console.MarkupLineInterpolated($"[green]Saved[/] {Path.Combine(target, "model.zip")}; consume: cd {Path.Combine(target, s.Name + ".ConsoleApp")} && dotnet run");
    }

    private sealed class ProgressRelay(Action<FineTuningProgress> report) : IProgress<FineTuningProgress>
    {
        public void Report(FineTuningProgress value) => report(value);
    }
}

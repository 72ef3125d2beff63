using System.CommandLine;
using MLNetContextual.Cli.Data;
using MLNetContextual.Cli.Sweep;
using MLNetContextual.Cli.Terminal;

namespace MLNetContextual.Cli;

/// <summary>The verbs and options of <c>mlnetctx</c>, named as Microsoft's <c>mlnet</c> CLI names them.</summary>
public static class CommandLineApp
{
    /// <summary>The root command with <c>classification</c>, <c>regression</c> and <c>question-answering</c>.</summary>
    public static RootCommand Create() =>
        new("mlnetctx: Model Builder for text, offline. Sweeps ML.NET's text baselines, contextual encoders × trainers and fine-tuning within a time budget.")
        {
            Table(TaskKind.Classification, "classification", "Classify text (or text pairs) into two or more classes."),
            Table(TaskKind.Regression, "regression", "Predict a number from text (or text pairs): a rating, a similarity score."),
            QuestionAnswering(),
        };

    private static Command Table(TaskKind task, string name, string description)
    {
        var dataset = new Option<string>("--dataset", "-d") { Description = "Training data: .tsv, .csv (quoted fields allowed) or .jsonl.", Required = true };
        var validation = new Option<string>("--validation-dataset", "-v") { Description = "Rows that score the candidates (default: --cv-fold, else 20 % of --dataset held out)." };
        var test = new Option<string>("--test-dataset", "-t") { Description = "Rows the kept model is evaluated on once (never used to choose)." };
        var label = new Option<string>("--label-col") { Description = "The label column: name or 0-based index.", DefaultValueFactory = _ => "Label" };
        var text = new Option<string[]>("--text-col") { Description = "The text column(s): one, or two for pairs (name or index). Default: the longest remaining column.", AllowMultipleArgumentsPerToken = true };
        var ignore = new Option<string[]>("--ignore-cols") { Description = "Columns to leave out (names or indices, space- or comma-separated).", AllowMultipleArgumentsPerToken = true };
        var header = new Option<bool?>("--has-header") { Description = "Whether the first row names the columns (default: guessed; .jsonl needs none)." };
        var budget = new Option<double>("--train-time") { Description = "Seconds for the whole search (encoding, training, scoring).", DefaultValueFactory = _ => 300 };
        var folds = new Option<int>("--cv-fold") { Description = "Score candidates by k-fold cross-validation instead of a validation split (k >= 2)." };
        var output = new Option<string>("--output", "-o") { Description = "Folder to write model.zip, the projects, run.json and report/ (default: ./<name>)." };
        var projectName = new Option<string>("--name") { Description = "Name of the generated projects.", DefaultValueFactory = _ => "MLModel" };
        var log = new Option<string>("--log-file-path") { Description = "Also write every line of progress to this file." };
        var verbosity = new Option<string>("--verbosity") { Description = "q (quiet), m (minimal, default) or diag.", DefaultValueFactory = _ => "m" };
        var encoder = new Option<string[]>("--encoder") { Description = "Encoders to sweep: minilm (embedded all-MiniLM-L6-v2), none (FeaturizeText baselines only), an ONNX export folder or .onnx file, or a Hugging Face checkpoint folder (fine-tuning).", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => ["minilm"] };
        var device = new Option<string>("--device") { Description = "cpu, or gpu / gpu:N for the ONNX encoder (needs Microsoft.ML.OnnxRuntime.Gpu; fine-tuning stays on CPU).", DefaultValueFactory = _ => "cpu" };
        var seed = new Option<int>("--seed") { Description = "Random seed (split, trainers).", DefaultValueFactory = _ => 1 };
        var noFineTune = new Option<bool>("--no-fine-tune") { Description = "Leave fine-tuning out of the sweep." };
        var selfContained = new Option<bool>("--self-contained-zip") { Description = "Store the embedded MiniLM's weights in model.zip (default: its name and SHA-256; the MLNetContextual package supplies the weights)." };
        var reference = new Option<string>("--library-reference") { Description = "How generated projects reference MLNetContextual: auto (the repository when mlnetctx or the output is inside one), repo, repo:<path>, package.", DefaultValueFactory = _ => "auto" };
        var command = new Command(name, description)
        {
            dataset, validation, test, label, text, ignore, header, budget, folds, output, projectName, log, verbosity, encoder, device, seed, noFineTune, reference, selfContained,
        };
        command.SetAction(parse => SweepCommand.Run(new SweepSettings
        {
            Task = task,
            Dataset = parse.GetValue(dataset),
            ValidationDataset = parse.GetValue(validation),
            TestDataset = parse.GetValue(test),
            LabelColumn = parse.GetValue(label),
            TextColumns = Split(parse.GetValue(text)),
            IgnoreColumns = Split(parse.GetValue(ignore)),
            HasHeader = parse.GetValue(header),
            TrainTimeSeconds = parse.GetValue(budget),
            CvFolds = parse.GetValue(folds),
            Output = parse.GetValue(output),
            Name = parse.GetValue(projectName),
            LogFile = parse.GetValue(log),
            Verbosity = ParseVerbosity(parse.GetValue(verbosity)),
            Encoders = Split(parse.GetValue(encoder)),
            Device = parse.GetValue(device),
            Seed = parse.GetValue(seed),
            NoFineTune = parse.GetValue(noFineTune),
            LibraryReference = parse.GetValue(reference),
            SelfContainedZip = parse.GetValue(selfContained),
        }));
        return command;
    }

    private static Command QuestionAnswering()
    {
        var dataset = new Option<string>("--dataset", "-d") { Description = "Training questions: SQuAD v1.1 JSON.", Required = true };
        var validation = new Option<string>("--validation-dataset", "-v") { Description = "SQuAD JSON to score on (default: the last 10 % of --dataset's articles)." };
        var test = new Option<string>("--test-dataset", "-t") { Description = "SQuAD JSON the kept model is evaluated on." };
        var budget = new Option<double>("--train-time") { Description = "Seconds for fine-tuning and scoring.", DefaultValueFactory = _ => 600 };
        var output = new Option<string>("--output", "-o") { Description = "Folder to write model.zip, the project, run.json and report/ (default: ./<name>)." };
        var projectName = new Option<string>("--name") { Description = "Name of the generated project.", DefaultValueFactory = _ => "MLModel" };
        var log = new Option<string>("--log-file-path") { Description = "Also write every line of progress to this file." };
        var verbosity = new Option<string>("--verbosity") { Description = "q, m or diag.", DefaultValueFactory = _ => "m" };
        var encoder = new Option<string>("--encoder") { Description = "minilm, an ONNX export folder or a Hugging Face checkpoint folder.", DefaultValueFactory = _ => "minilm" };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 1 };
        var reference = new Option<string>("--library-reference") { Description = "auto, repo or package.", DefaultValueFactory = _ => "auto" };
        var command = new Command("question-answering", "Fine-tune an extractive question answerer on SQuAD JSON.")
        {
            dataset, validation, test, budget, output, projectName, log, verbosity, encoder, seed, reference,
        };
        command.SetAction(parse => QuestionAnsweringCommand.Run(new SweepSettings
        {
            Task = TaskKind.QuestionAnswering,
            Dataset = parse.GetValue(dataset),
            ValidationDataset = parse.GetValue(validation),
            TestDataset = parse.GetValue(test),
            TrainTimeSeconds = parse.GetValue(budget),
            Output = parse.GetValue(output),
            Name = parse.GetValue(projectName),
            LogFile = parse.GetValue(log),
            Verbosity = ParseVerbosity(parse.GetValue(verbosity)),
            Encoders = [parse.GetValue(encoder)],
            Seed = parse.GetValue(seed),
            LibraryReference = parse.GetValue(reference),
        }));
        return command;
    }

    /// <summary>Values given space- or comma-separated.</summary>
    public static string[] Split(string[] values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();

    /// <summary>mlnet's verbosity names.</summary>
    public static Verbosity ParseVerbosity(string value) => value?.ToLowerInvariant() switch
    {
        "q" or "quiet" => Verbosity.Quiet,
        null or "" or "m" or "minimal" or "n" or "normal" => Verbosity.Minimal,
        "diag" or "d" or "detailed" or "diagnostic" => Verbosity.Diagnostic,
        _ => throw new ArgumentException($"--verbosity '{value}': expected q, m or diag."),
    };
}

using MLNetContextual.Cli.Data;
using MLNetContextual.Cli.Terminal;

namespace MLNetContextual.Cli.Sweep;

/// <summary>What a <c>mlnetctx classification|regression|question-answering</c> run was asked to do.</summary>
public sealed record SweepSettings
{
    /// <summary>The task.</summary>
    public TaskKind Task { get; init; }
    /// <summary>--dataset: training data (.tsv, .csv, .jsonl; SQuAD .json for question answering).</summary>
    public string Dataset { get; init; }
    /// <summary>--validation-dataset: rows to score candidates on (else --cv-fold, else 20 % of the dataset).</summary>
    public string ValidationDataset { get; init; }
    /// <summary>--test-dataset: rows the final model is evaluated on once, never used to choose.</summary>
    public string TestDataset { get; init; }
    /// <summary>--label-col: name or 0-based index.</summary>
    public string LabelColumn { get; init; } = "Label";
    /// <summary>--text-col: one name/index, or two for pairs; empty: the longest remaining column.</summary>
    public IReadOnlyList<string> TextColumns { get; init; } = [];
    /// <summary>--ignore-cols.</summary>
    public IReadOnlyList<string> IgnoreColumns { get; init; } = [];
    /// <summary>--has-header: null guesses.</summary>
    public bool? HasHeader { get; init; }
    /// <summary>--train-time in seconds.</summary>
    public double TrainTimeSeconds { get; init; } = 300;
    /// <summary>--cv-fold: folds for cross-validation (0: a validation split).</summary>
    public int CvFolds { get; init; }
    /// <summary>--name: the generated projects' name.</summary>
    public string Name { get; init; } = "MLModel";
    /// <summary>--output: the folder written (model.zip, projects, run.json, report).</summary>
    public string Output { get; init; }
    /// <summary>--log-file-path.</summary>
    public string LogFile { get; init; }
    /// <summary>--verbosity.</summary>
    public Verbosity Verbosity { get; init; } = Verbosity.Minimal;
    /// <summary>--encoder values (default: minilm).</summary>
    public IReadOnlyList<string> Encoders { get; init; } = ["minilm"];
    /// <summary>--device: cpu, or gpu / gpu:N for the ONNX encoder (needs Microsoft.ML.OnnxRuntime.Gpu).</summary>
    public string Device { get; init; } = "cpu";
    /// <summary>--seed.</summary>
    public int Seed { get; init; } = 1;
    /// <summary>--no-fine-tune: leave fine-tuning out of the sweep.</summary>
    public bool NoFineTune { get; init; }
    /// <summary>--self-contained-zip: store the embedded encoder's weights in model.zip instead of a reference (name, SHA-256) to the package's copy.</summary>
    public bool SelfContainedZip { get; init; }
    /// <summary>Where the generated consumption project finds the library: auto (repository when found), repo, package.</summary>
    public string LibraryReference { get; init; } = "auto";

    /// <summary>The output folder, defaulting to ./Name.</summary>
    public string OutputFolder => Path.GetFullPath(string.IsNullOrEmpty(Output) ? Name : Output);

    /// <summary>The ONNX Runtime GPU device for --device gpu[:N]; null: CPU.</summary>
    public int? GpuDevice => Device switch
    {
        null or "" or "cpu" => null,
        "gpu" or "cuda" => 0,
        _ when Device.StartsWith("gpu:") && int.TryParse(Device[4..], out int id) => id,
        _ when Device.StartsWith("cuda:") && int.TryParse(Device[5..], out int id) => id,
        _ => throw new ArgumentException($"--device '{Device}': expected cpu, gpu or gpu:N."),
    };
}

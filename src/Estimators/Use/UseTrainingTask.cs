using Microsoft.ML;
using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>
/// One task of the Universal Sentence Encoder's multi-task training, each over its own IDataView with its own columns.
/// At every step <c>Fit</c> picks a task with probability proportional to its <see cref="Weight"/> and trains on a batch
/// of it. Build one with <see cref="PairClassification"/>, <see cref="PairRegression"/>, <see cref="ResponsePrediction"/>
/// or <see cref="Distillation"/>.
/// </summary>
public abstract class UseTrainingTask
{
    private protected UseTrainingTask(string name, IDataView data, double weight)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!(weight > 0) || double.IsInfinity(weight))
            throw new ArgumentOutOfRangeException(nameof(weight), $"Task '{name}': Weight is {weight}; it must be a positive number.");
        Name = name;
        Data = data;
        Weight = weight;
    }

    /// <summary>The task's name, used in logs, progress and errors.</summary>
    public string Name { get; }

    /// <summary>The task's rows.</summary>
    public IDataView Data { get; }

    /// <summary>Sampling weight: the share of training steps spent on this task is Weight / Σ weights.</summary>
    public double Weight { get; }

    /// <summary>What the task is, in words ("pair classification", ...).</summary>
    internal abstract string Kind { get; }

    /// <summary>Throws, naming the task and the column, when a column is missing or has the wrong type.</summary>
    internal abstract void CheckSchema(DataViewSchema schema, int dimension);

    /// <summary>Reads the task's rows (rows with an empty sentence are skipped).</summary>
    internal abstract UseTaskData Load(int dimension, CancellationToken cancel);

    /// <summary>
    /// Pair classification (InferSent's NLI objective, used by USE): both sentences are encoded to u and v, and a softmax
    /// classifier reads [u; v; |u − v|; u ∗ v]. Label: String or Key.
    /// </summary>
    public static UseTrainingTask PairClassification(IDataView data, string firstColumnName = "Premise", string secondColumnName = "Hypothesis",
        string labelColumnName = "Label", double weight = 1, string name = "pair-classification") =>
        new UsePairClassificationTask(name, data, weight, firstColumnName, secondColumnName, labelColumnName);

    /// <summary>Pair regression: the cosine of u and v is fitted (squared error) to the score, scaled to [0, 1] by the
    /// task's smallest and largest score (STS-B: 0–5). Score: Single or Double.</summary>
    public static UseTrainingTask PairRegression(IDataView data, string firstColumnName = "Sentence1", string secondColumnName = "Sentence2",
        string scoreColumnName = "Score", double weight = 1, string name = "pair-regression") =>
        new UsePairRegressionTask(name, data, weight, firstColumnName, secondColumnName, scoreColumnName);

    /// <summary>
    /// Response prediction with in-batch negatives (USE's conversational response and skip-thought-like tasks): each
    /// input must pick its own response among the batch's responses, by cosine similarity × <paramref name="scale"/>
    /// under a softmax. Question → answer sentence, or sentence → next sentence.
    /// </summary>
    public static UseTrainingTask ResponsePrediction(IDataView data, string inputColumnName = "Input", string responseColumnName = "Response",
        double weight = 1, double scale = 20, string name = "response-prediction") =>
        new UseResponseTask(name, data, weight, inputColumnName, responseColumnName, scale);

    /// <summary>Distillation: the sentence vector is fitted (mean squared Euclidean distance) to a teacher's vector of the same text, a
    /// known-size Vector&lt;Single&gt; column of the encoder's OutputDimension (for example from ApplyContextualEmbedding
    /// with the MiniLM and OutputDimension 384).</summary>
    public static UseTrainingTask Distillation(IDataView data, string textColumnName = "Text", string teacherColumnName = "Teacher",
        double weight = 1, string name = "distillation") =>
        new UseDistillationTask(name, data, weight, textColumnName, teacherColumnName);

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Kind}, weight {Weight})";
}

/// <summary>A task's rows in memory, with its loss.</summary>
internal abstract class UseTaskData
{
    /// <summary>Training examples.</summary>
    public abstract int Count { get; }

    /// <summary>Rows skipped for an empty sentence.</summary>
    public int Skipped { get; init; }

    /// <summary>Every sentence of the task (for the vocabulary).</summary>
    public abstract IEnumerable<string> Texts { get; }

    /// <summary>Parameters of the task's own head (trained with the encoder; not part of the encoder); null: none.</summary>
    public virtual nn.Module CreateHead(int dimension) => null;

    /// <summary>The mean loss of examples <paramref name="rows"/> (a scalar tensor with gradients).</summary>
    public abstract Tensor Loss(IUseTrainable model, int[] rows, Random rng);
}

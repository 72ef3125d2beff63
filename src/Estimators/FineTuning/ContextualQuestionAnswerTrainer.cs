using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>
/// Fine-tunes a BERT-family encoder (default: the embedded all-MiniLM-L6-v2) for extractive question answering with
/// BERT's SQuAD recipe: <c>[CLS] question [SEP] context [SEP]</c> windows (max sequence 384, document stride 128, max query
/// 64), a [2, H] start/end layer, n-best 20, answers of at most 30 pieces. Created by
/// <c>ml.MulticlassClassification.Trainers.ContextualQuestionAnswer</c>.
/// </summary>
/// <remarks>
/// | Output column | Type |
/// |---|---|
/// | Answer | Vector&lt;String&gt;: the TopK best spans of the context, best first |
/// | Score | Vector&lt;Single&gt;: their probabilities among the n-best candidates |
/// </remarks>
public sealed class ContextualQuestionAnswerTrainer : IEstimator<ContextualQuestionAnswerTransformer>
{
    private const string TrainerName = "ContextualQuestionAnswer";
    private readonly CatalogEnvironment _env;
    private readonly ContextualQuestionAnswerOptions _options;

    internal ContextualQuestionAnswerTrainer(CatalogEnvironment env, ContextualQuestionAnswerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _env = env;
        _options = options;
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var o = _options;
        SchemaChecks.RequireText(inputSchema, o.ContextColumnName);
        SchemaChecks.RequireText(inputSchema, o.QuestionColumnName);
        SchemaChecks.RequireText(inputSchema, o.TrainingAnswerColumnName);
        SchemaChecks.Require(inputSchema, o.AnswerIndexColumnName, "Int32",
            c => c.Kind == SchemaShape.Column.VectorKind.Scalar && !c.IsKey && DataViewColumns.IsInteger(c.ItemType));
        return SchemaShapes.With(inputSchema,
            SchemaShapes.Vector(o.PredictedAnswerColumnName, TextDataViewType.Instance, knownSize: false),
            SchemaShapes.Vector(o.ScoreColumnName, NumberDataViewType.Single, knownSize: false));
    }

    /// <inheritdoc />
    public ContextualQuestionAnswerTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = _options;
        CheckColumns(input.Schema, null);
        if (o.ValidationSet != null)
            CheckColumns(o.ValidationSet.Schema, nameof(o.ValidationSet));

        var bertEncoder = o.Encoder as BertCheckpoint
            ?? throw new ArgumentOutOfRangeException(nameof(o.Encoder),
                $"Encoder '{o.Encoder.Name}' ({o.Encoder.Kind}) is not a BERT-family checkpoint; ContextualQuestionAnswer builds BERT's [CLS] question [SEP] context [SEP] windows and needs a BertCheckpoint.");
        using var log = _env?.OpenLog(TrainerName);
        byte[] vocabulary = bertEncoder.ReadVocabulary();
        var tokenizer = TaskModelFiles.Tokenizer(vocabulary, bertEncoder.LowerCase);
        var builder = new QaWindowBuilder(tokenizer, o.MaxSequenceLength, o.DocumentStride, o.MaxQueryLength);

        // Every row is checked before any training: a bad row found after hours of training would waste them.
        var train = ReadRows(input, "the training data", builder);
        if (train.Count == 0)
            throw new ArgumentException("The training data has no rows.", nameof(input));
        var validation = o.ValidationSet != null ? ReadRows(o.ValidationSet, "ValidationSet", builder) : null;
        int seed = o.Seed ?? _env?.Seed ?? Random.Shared.Next();
        if (validation == null)
            (train, validation) = ValidationCarving.Split(train, o, seed, log, TrainerName);   // by question, before windows

        var windows = new List<QaWindow>();
        int unlocated = 0;
        for (int i = 0; i < train.Count; i++)
        {
            var r = train[i];
            var w = builder.Build(i, r.Context, r.Question, r.AnswerIndex, r.Answer.Length);
            if (w.All(x => x.StartPosition == 0))
                unlocated += QaWindowBuilder.PiecesCovering(tokenizer.Tokenize(r.Context), r.AnswerIndex, r.AnswerIndex + r.Answer.Length).First < 0 ? 1 : 0;
            windows.AddRange(w);
        }
        if (unlocated > 0)
            log?.Warning($"{TrainerName}: {unlocated} answer(s) cover no word piece of their context; those questions train towards [CLS] only.");
        log?.Info($"{TrainerName}: {train.Count} questions → {windows.Count} windows of at most {o.MaxSequenceLength} pieces.");

        lock (FineTuningLoop.GlobalGate)
            return Train(o, seed, log, train, validation, windows, tokenizer, vocabulary);
    }

    private ContextualQuestionAnswerTransformer Train(ContextualQuestionAnswerOptions o, int seed, CatalogEnvironment.ILogChannel log,
        List<Row> train, List<Row> validation, List<QaWindow> windows, BertTextTokenizer tokenizer, byte[] vocabulary)
    {
        using var threads = FineTuningLoop.Prepare(o, seed);
        var (bert, config) = ((BertCheckpoint)o.Encoder).CreateModel();
        var model = new BertSpanExtractor(bert, config.HiddenSize);
        var transformer = new ContextualQuestionAnswerTransformer(o, config, vocabulary, ((BertCheckpoint)o.Encoder).LowerCase, tokenizer, model);
        try
        {
            Tensor BatchLoss(int[] batch)
            {
                using var tokens = TokenBatch.Create(batch.Select(i => windows[i].Ids).ToArray(), batch.Select(i => windows[i].TypeIds).ToArray(), tokenizer.PadId);
                var logits = model.forward(tokens.Ids, tokens.Mask, tokens.Types);            // (B, T, 2)
                using var starts = tensor(batch.Select(i => (long)windows[i].StartPosition).ToArray());
                using var ends = tensor(batch.Select(i => (long)windows[i].EndPosition).ToArray());
                return (nn.functional.cross_entropy(logits[.., .., 0], starts) + nn.functional.cross_entropy(logits[.., .., 1], ends)) / 2;
            }
            Func<double> validate = validation == null ? null : () => transformer.Evaluate(validation
                .Select(r => (r.Context, r.Question, (IReadOnlyList<string>)[r.Answer])).ToList()).F1;

            var loop = new FineTuningLoop(o, seed, log, TrainerName);
            transformer.TrainingSummary = loop.Run(model, windows.Count, i => windows[i].Length, BatchLoss, validate);
            // From here on the model predicts on ONNX Runtime: its weights written into an ONNX graph.
            transformer.UseOnnxRuntime(((BertCheckpoint)o.Encoder).OnnxSource?.Invoke(), message => log?.Info($"{TrainerName}: {message}"));
            return transformer;
        }
        catch
        {
            transformer.Dispose();
            throw;
        }
    }

    private void CheckColumns(DataViewSchema schema, string where)
    {
        var o = _options;
        SchemaChecks.RequireText(schema, o.ContextColumnName, where);
        SchemaChecks.RequireText(schema, o.QuestionColumnName, where);
        SchemaChecks.RequireText(schema, o.TrainingAnswerColumnName, where);
        SchemaChecks.Require(schema, o.AnswerIndexColumnName, "Int32", t => t is not KeyDataViewType && DataViewColumns.IsInteger(t), where);
    }

    internal readonly record struct Row(string Context, string Question, string Answer, int AnswerIndex);

    /// <summary>Reads and checks every row: non-empty context, question and answer; the answer index points at the
    /// answer; the question fits <see cref="ContextualQuestionAnswerOptions.MaxQueryLength"/>.</summary>
    private List<Row> ReadRows(IDataView data, string where, QaWindowBuilder builder)
    {
        var o = _options;
        var s = data.Schema;
        var columns = new[] { s[o.ContextColumnName], s[o.QuestionColumnName], s[o.TrainingAnswerColumnName], s[o.AnswerIndexColumnName] };
        var raw = DataViewColumns.ReadAll<(string C, string Q, string A, long I)>(data, columns, row =>
        {
            var c = SchemaChecks.TextReader(row, columns[0].Index);
            var q = SchemaChecks.TextReader(row, columns[1].Index);
            var a = SchemaChecks.TextReader(row, columns[2].Index);
            var i = DataViewColumns.IntegerReader(row, columns[3]);
            return () => (c(), q(), a(), i());
        }, o.CancellationToken);

        var rows = new List<Row>(raw.Count);
        for (int n = 0; n < raw.Count; n++)
        {
            var (context, question, answer, index) = raw[n];
            string at = $"Row {n} of {where}";
            if (string.IsNullOrWhiteSpace(context))
                throw new ArgumentException($"{at}: the context (column '{o.ContextColumnName}') is empty.", nameof(data));
            if (string.IsNullOrWhiteSpace(question))
                throw new ArgumentException($"{at}: the question (column '{o.QuestionColumnName}') is empty.", nameof(data));
            if (string.IsNullOrEmpty(answer))
                throw new ArgumentException($"{at}: the training answer (column '{o.TrainingAnswerColumnName}') is empty.", nameof(data));
            if (index < 0 || index + answer.Length > context.Length)
                throw new ArgumentOutOfRangeException(nameof(data),
                    $"{at}: {o.AnswerIndexColumnName} is {index}, out of range for an answer of {answer.Length} characters in a context of {context.Length} characters.");
            if (string.CompareOrdinal(context, (int)index, answer, 0, answer.Length) != 0)
                throw new ArgumentException(
                    $"{at}: {o.AnswerIndexColumnName} {index} does not point at the answer: the context has \"{context.Substring((int)index, answer.Length)}\" there, the answer is \"{answer}\" (the index counts characters from 0).",
                    nameof(data));
            int pieces = builder.QuestionPieces(question);
            if (pieces > o.MaxQueryLength)
                throw new ArgumentOutOfRangeException(nameof(data),
                    $"{at}: the question has {pieces} word pieces, longer than the query window (MaxQueryLength {o.MaxQueryLength}). " +
                    $"Raise MaxQueryLength (at most MaxSequenceLength − 4 = {o.MaxSequenceLength - 4}) or shorten the question.");
            rows.Add(new Row(context, question, answer, (int)index));
        }
        return rows;
    }
}

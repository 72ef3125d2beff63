using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>
/// Fine-tunes a BERT-family encoder (default: the embedded all-MiniLM-L6-v2) with a classification head on one text or
/// a pair of texts. Created by <c>ml.MulticlassClassification.Trainers.ContextualTextClassification</c> (key label;
/// outputs <c>Score</c>, a vector of class probabilities, and <c>PredictedLabel</c>, a key with the label's key values) or
/// <c>ml.BinaryClassification.Trainers.ContextualTextClassification</c> (Boolean label; outputs <c>Score</c>, the
/// margin, <c>Probability</c> and <c>PredictedLabel</c>, Boolean).
/// </summary>
/// <remarks>
/// | Output column | Multiclass | Binary |
/// |---|---|---|
/// | Score | Vector&lt;Single, classes&gt;: probabilities | Single: the logit |
/// | Probability | — | Single: sigmoid(Score) |
/// | PredictedLabel | Key&lt;UInt32&gt; with the label's key values | Boolean: Score &gt; 0 |
/// </remarks>
public sealed class ContextualTextClassificationTrainer : IEstimator<ContextualTextClassificationTransformer>
{
    private readonly CatalogEnvironment _env;
    private readonly ContextualTextClassificationOptions _options;
    private readonly bool _binary;

    internal ContextualTextClassificationTrainer(CatalogEnvironment env, ContextualTextClassificationOptions options, bool binary)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _env = env;
        _options = options;
        _binary = binary;
    }

    private string TrainerName => _binary ? "BinaryContextualTextClassification" : "MulticlassContextualTextClassification";

    private string ExpectedLabel => _binary
        ? "Boolean"
        : "Key<UInt32> (put ml.Transforms.Conversion.MapValueToKey before the trainer)";

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var o = _options;
        SchemaChecks.RequireText(inputSchema, o.Sentence1ColumnName);
        if (o.Sentence2ColumnName != null)
            SchemaChecks.RequireText(inputSchema, o.Sentence2ColumnName);
        if (_binary)
        {
            SchemaChecks.Require(inputSchema, o.LabelColumnName, ExpectedLabel,
                c => c.Kind == SchemaShape.Column.VectorKind.Scalar && c.ItemType is BooleanDataViewType);
            return SchemaShapes.With(inputSchema,
                SchemaShapes.Scalar(o.ScoreColumnName, NumberDataViewType.Single),
                SchemaShapes.Scalar(o.ProbabilityColumnName, NumberDataViewType.Single),
                SchemaShapes.Scalar(o.PredictedLabelColumnName, BooleanDataViewType.Instance));
        }
        SchemaChecks.Require(inputSchema, o.LabelColumnName, ExpectedLabel,
            c => c.Kind == SchemaShape.Column.VectorKind.Scalar && c.IsKey && c.ItemType == NumberDataViewType.UInt32);
        return SchemaShapes.With(inputSchema,
            AnnotatedShapes.VectorWithSlotNames(o.ScoreColumnName),
            AnnotatedShapes.KeyWithValues(o.PredictedLabelColumnName, TextDataViewType.Instance));
    }

    /// <inheritdoc />
    public ContextualTextClassificationTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = _options;
        var label = CheckColumns(input.Schema, "training data");
        if (o.ValidationSet != null)
            CheckColumns(o.ValidationSet.Schema, "ValidationSet");

        int classes = _binary ? 2 : (int)((KeyDataViewType)label.Type).Count;
        if (!_binary && classes < 2)
            throw new ArgumentOutOfRangeException(nameof(input),
                $"Label column '{o.LabelColumnName}' is a key with {classes} value(s); a classifier needs at least 2.");
        string[] classNames = _binary ? null : DataViewColumns.KeyValuesAsText(label);

        using var log = _env?.OpenLog(TrainerName);
        var train = ReadRows(input, o.CancellationToken);
        if (train.Count == 0)
            throw new ArgumentException($"The training data has no row with a label in column '{o.LabelColumnName}'.", nameof(input));
        var validation = o.ValidationSet != null ? ReadRows(o.ValidationSet, o.CancellationToken) : null;

        int seed = o.Seed ?? _env?.Seed ?? Random.Shared.Next();
        if (validation == null)
            (train, validation) = ValidationCarving.Split(train, o, seed, log, TrainerName);
        lock (FineTuningLoop.GlobalGate)
            return Train(o, seed, log, train, validation, classes, classNames);
    }

    private ContextualTextClassificationTransformer Train(ContextualTextClassificationOptions o, int seed, CatalogEnvironment.ILogChannel log,
        List<Row> train, List<Row> validation, int classes, string[] classNames)
    {
        using var threads = FineTuningLoop.Prepare(o, seed);
        var tokenizer = o.Encoder.CreateTokenizer();
        var encoder = o.Encoder.CreateModule();
        if (encoder.LayerCount < 1 || encoder.HiddenSize < 1)
            throw new InvalidOperationException($"Encoder '{o.Encoder.Name}' ({o.Encoder.Kind}) reports {encoder.LayerCount} layers of size {encoder.HiddenSize}.");
        var model = new SequenceClassifier(encoder, _binary ? 1 : classes, o.HeadDropout, o.LearnScalarMix, o.FreezeEncoder, o.MeanPooling);
        var transformer = new ContextualTextClassificationTransformer(_binary, o, classNames, classes, o.Encoder, tokenizer, model);
        try
        {
            var encoded = train.Select(r => transformer.Encode(r.First, r.Second)).ToArray();
            Tensor Loss(Tensor logits, int[] batch)
            {
                if (_binary)
                {
                    using var target = tensor(batch.Select(i => (float)train[i].Label).ToArray());
                    return nn.functional.binary_cross_entropy_with_logits(logits.squeeze(1), target);
                }
                using var classTarget = tensor(batch.Select(i => (long)train[i].Label).ToArray());
                return nn.functional.cross_entropy(logits, classTarget);
            }
            if (o.LinearProbeEpochs > 0 && !o.FreezeEncoder)
                LinearProbe(model, encoded, o, seed, log, Loss);
            // A frozen encoder gives the same features every epoch: compute them once, then train only the head (and the mix).
            using var features = o.FreezeEncoder ? FrozenFeatures(model, encoded, o, log) : null;
            Tensor BatchLoss(int[] batch)
            {
                if (features is null)
                    return Loss(model.forward(batch.Select(i => encoded[i]).ToArray()), batch);
                using var index = tensor(batch.Select(i => (long)i).ToArray());
                return Loss(model.ForwardFeatures(features.index_select(0, index)), batch);
            }
            Func<double> validate = validation == null ? null : () => Accuracy(transformer, validation);

            var loop = new FineTuningLoop(o, seed, log, TrainerName);
            transformer.TrainingSummary = loop.Run(model, train.Count, i => encoded[i].Length, BatchLoss, validate);
            // From here on the model predicts on ONNX Runtime (BERT encoders): its weights written into an ONNX graph.
            transformer.UseOnnxRuntime(message => log?.Info($"{TrainerName}: {message}"));
            return transformer;
        }
        catch
        {
            transformer.Dispose();
            throw;
        }
    }

    /// <summary>LP-FT's first stage: the head alone (and the mix) trained for <see cref="ContextualTextClassificationOptions.LinearProbeEpochs"/>
    /// epochs on the encoder's features, computed once; the encoder's weights are not touched.</summary>
    private void LinearProbe(SequenceClassifier model, EncodedText[] encoded, ContextualTextClassificationOptions o, int seed,
        CatalogEnvironment.ILogChannel log, Func<Tensor, int[], Tensor> loss)
    {
        using var features = FrozenFeatures(model, encoded, o, log);
        using var optimizer = optim.AdamW(model.HeadParameters(), o.LinearProbeLearningRate, weight_decay: 0);
        var rng = new Random(seed ^ 0x1F3D);
        var order = Enumerable.Range(0, encoded.Length).ToArray();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        model.train();
        for (int epoch = 1; epoch <= o.LinearProbeEpochs; epoch++)
        {
            rng.Shuffle(order);
            double sum = 0;
            int batches = 0;
            for (int start = 0; start < order.Length; start += o.BatchSize)
            {
                o.CancellationToken.ThrowIfCancellationRequested();
                var batch = order.AsSpan(start, Math.Min(o.BatchSize, order.Length - start)).ToArray();
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                using var index = tensor(batch.Select(i => (long)i).ToArray());
                var value = loss(model.ForwardFeatures(features.index_select(0, index)), batch);
                value.backward();
                optimizer.step();
                sum += value.item<float>();
                batches++;
            }
            log?.Info($"{TrainerName}: head-only epoch {epoch}/{o.LinearProbeEpochs} (LP-FT): loss {sum / Math.Max(1, batches):F4}, {watch.Elapsed.TotalSeconds:F1} s.");
        }
    }

    /// <summary>Runs the frozen encoder once over the training texts (batches of similar length, eval mode, no gradients):
    /// (N, L or 1, H) features in training-row order.</summary>
    private Tensor FrozenFeatures(SequenceClassifier model, EncodedText[] encoded, ContextualTextClassificationOptions o, CatalogEnvironment.ILogChannel log)
    {
        var order = Enumerable.Range(0, encoded.Length).OrderBy(i => encoded[i].Length).ToArray();
        var parts = new List<Tensor>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            for (int start = 0; start < order.Length; start += o.BatchSize)
            {
                o.CancellationToken.ThrowIfCancellationRequested();
                var rows = order.Skip(start).Take(o.BatchSize).ToArray();
                parts.Add(model.FrozenFeatures(rows.Select(i => encoded[i]).ToArray()));
            }
            using var sorted = cat(parts.ToArray(), 0);
            using var inverse = tensor(order.Select((row, k) => (row, k)).OrderBy(p => p.row).Select(p => (long)p.k).ToArray());
            log?.Info($"{TrainerName}: encoder run once (frozen) over {encoded.Length} texts in {watch.Elapsed.TotalSeconds:F1} s; the head trains on these features.");
            return sorted.index_select(0, inverse);
        }
        finally
        {
            foreach (var p in parts)
                p.Dispose();
        }
    }

    private static double Accuracy(ContextualTextClassificationTransformer transformer, List<Row> rows)
    {
        int right = 0;
        var outputs = new float[transformer.BatchSize][];
        for (int start = 0; start < rows.Count; start += transformer.BatchSize)
        {
            int n = Math.Min(transformer.BatchSize, rows.Count - start);
            var inputs = rows.Skip(start).Take(n).Select(r => (r.First, r.Second)).ToArray();
            transformer.Predict(inputs, outputs.AsSpan(0, n));
            for (int i = 0; i < n; i++)
                if (transformer.PredictedClass(outputs[i]) == rows[start + i].Label)
                    right++;
        }
        return rows.Count == 0 ? 0 : (double)right / rows.Count;
    }

    private DataViewSchema.Column CheckColumns(DataViewSchema schema, string where)
    {
        var o = _options;
        string context = where == "training data" ? null : where;   // the main input's errors carry no prefix
        SchemaChecks.RequireText(schema, o.Sentence1ColumnName, context);
        if (o.Sentence2ColumnName != null)
            SchemaChecks.RequireText(schema, o.Sentence2ColumnName, context);
        return _binary
            ? SchemaChecks.Require(schema, o.LabelColumnName, ExpectedLabel, t => t is BooleanDataViewType, context)
            : SchemaChecks.Require(schema, o.LabelColumnName, ExpectedLabel, t => t is KeyDataViewType k && k.RawType == typeof(uint), context);
    }

    /// <summary>A training row: the texts and the 0-based class (binary: 0 or 1).</summary>
    internal readonly record struct Row(string First, string Second, int Label);

    private List<Row> ReadRows(IDataView data, CancellationToken cancel)
    {
        var o = _options;
        var schema = data.Schema;
        var columns = new List<DataViewSchema.Column> { schema[o.Sentence1ColumnName], schema[o.LabelColumnName] };
        if (o.Sentence2ColumnName != null)
            columns.Add(schema[o.Sentence2ColumnName]);
        var rows = DataViewColumns.ReadAll<Row>(data, columns, row =>
        {
            var first = SchemaChecks.TextReader(row, schema[o.Sentence1ColumnName].Index);
            var second = o.Sentence2ColumnName != null ? SchemaChecks.TextReader(row, schema[o.Sentence2ColumnName].Index) : null;
            Func<int> label;
            if (_binary)
            {
                var g = row.GetGetter<bool>(schema[o.LabelColumnName]);
                bool v = false;
                label = () => { g(ref v); return v ? 1 : 0; };
            }
            else
            {
                var g = row.GetGetter<uint>(schema[o.LabelColumnName]);
                uint v = 0;
                label = () => { g(ref v); return (int)v - 1; };   // key 0 is missing: −1, skipped
            }
            return () => new Row(first(), second?.Invoke(), label());
        }, cancel);
        return rows.Where(r => r.Label >= 0).ToList();
    }
}

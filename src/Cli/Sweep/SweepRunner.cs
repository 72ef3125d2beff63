using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetContextual.Cli.Data;
using MLNetContextual.Cli.Terminal;

namespace MLNetContextual.Cli.Sweep;

/// <summary>
/// The sweep of <c>mlnetctx classification|regression</c>: FeaturizeText baselines, then each frozen encoder (encoded
/// once) × ML.NET trainers, then fine-tuning where the time left allows; every candidate scored on the validation rows
/// (or by cross-validation); the best re-trained on all rows and kept.
/// </summary>
public sealed class SweepRunner
{
    private readonly SweepSettings _s;
    private readonly SweepConsole _view;
    private readonly CancellationToken _userCancel;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<EncoderChoice, FeatureSet> _features = new();
    private readonly Dictionary<EncoderChoice, double> _rowsPerSecond = new();
    private readonly Dictionary<EncoderChoice, string> _noFeatures = new();
    private SweepOutcome _outcome;
    private TaskData _all;               // train + valid: what the final model is trained on
    private ITransformer _labelKeys;     // multiclass: class names to keys, fitted once on _all (ByOccurrence)
    private (CandidateResult Result, ITransformer Model)? _bestSoFar;
    private int _fineTuneTokens;
    private double _encodingSeconds;     // spent encoding features: shown apart, not charged to the candidate that asked first

    /// <summary>A sweep with <paramref name="settings"/>, shown on <paramref name="view"/>; Ctrl+C cancels <paramref name="userCancel"/>.</summary>
    public SweepRunner(SweepSettings settings, SweepConsole view, CancellationToken userCancel)
    {
        _s = settings;
        _view = view;
        _userCancel = userCancel;
    }

    /// <summary>Called after each candidate (tests use it to press Ctrl+C at a known point).</summary>
    public Action<CandidateResult> AfterCandidate { get; set; }

    /// <summary>The search; null: <see cref="OrderedSearch"/> over the default candidates.</summary>
    public Func<IReadOnlyList<Candidate>, ICandidateSearch> SearchFactory { get; set; }

    private double Left => _s.TrainTimeSeconds - _clock.Elapsed.TotalSeconds;

    /// <summary>Runs the sweep; throws <see cref="SweepException"/> when no model can be kept.</summary>
    public SweepOutcome Run()
    {
        if (_s.TrainTimeSeconds <= 0)
            throw new ArgumentException($"--train-time is {_s.TrainTimeSeconds}; it must be a positive number of seconds.");
        if (_s.CvFolds is 1 or < 0)
            throw new ArgumentException($"--cv-fold is {_s.CvFolds}; use 0 (a validation split) or at least 2 folds.");
        var columns = new ColumnSpec(_s.LabelColumn, _s.TextColumns, _s.IgnoreColumns);
        var data = TaskData.Load(_s.Task, _s.Dataset, _s.HasHeader, columns);
        var outcome = _outcome = new SweepOutcome { Settings = _s, MetricName = Evaluation.MetricName(_s.Task, data.IsBinary) };
        if (_s.TestDataset != null)
            outcome.Test = TaskData.LoadLike(data, _s.TestDataset, _s.HasHeader, columns, "--test-dataset");
        if (_s.ValidationDataset != null)
        {
            if (_s.CvFolds > 0)
                throw new ArgumentException("--validation-dataset and --cv-fold both given; choose one way to score candidates.");
            outcome.Train = data;
            outcome.Valid = TaskData.LoadLike(data, _s.ValidationDataset, _s.HasHeader, columns, "--validation-dataset");
            outcome.Scoring = $"validation file ({outcome.Valid.Examples.Count} rows)";
        }
        else if (_s.CvFolds > 0)
        {
            if (_s.CvFolds > data.Examples.Count / 2)
                throw new ArgumentException($"--cv-fold {_s.CvFolds} with {data.Examples.Count} rows leaves under 2 rows per fold.");
            outcome.Train = data;
            outcome.Valid = data.Subset([]);
            outcome.Scoring = $"{_s.CvFolds}-fold cross-validation";
        }
        else
        {
            if (data.Examples.Count < 10)
                throw new InvalidDataException($"--dataset '{data.Path}' has {data.Examples.Count} labelled rows; at least 10 are needed to hold some out.");
            var shuffled = data.Examples.OrderBy(_ => 0).ToList();
            var random = new Random(_s.Seed);
            for (int i = shuffled.Count - 1; i > 0; i--)
            {
                int j = random.Next(i + 1);
                (shuffled[i], shuffled[j]) = (shuffled[j], shuffled[i]);
            }
            int validCount = Math.Max(2, shuffled.Count / 5);
            outcome.Train = data.Subset(shuffled.Skip(validCount));
            outcome.Valid = data.Subset(shuffled.Take(validCount));
            outcome.Scoring = $"20 % of the dataset held out ({validCount} rows)";
        }
        _all = outcome.Train.Concat(outcome.Valid);
        string kind = data.Task == TaskKind.Regression ? "Regression" : data.IsBinary
            ? $"Binary classification (positive class '{data.PositiveClass}')" : $"{data.Classes.Length}-class classification";
        _view.Info($"{kind} of '{string.Join("' + '", data.TextNames)}' by '{data.LabelName}': {outcome.Train.Examples.Count} training rows, scored on {outcome.Scoring}; budget {_s.TrainTimeSeconds:F0} s.");

        var ml = new MLContext(_s.Seed);
        if (data.Task == TaskKind.Classification && !data.IsBinary)
        {
            // Keys in the order classes first appear in the file: the Score vector's order, written into ConsumeModel.cs.
            _labelKeys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(DataViews.Labeled(ml, data, data.Examples));
            VBuffer<ReadOnlyMemory<char>> keys = default;
            _labelKeys.GetOutputSchema(DataViews.Labeled(ml, data, []).Schema)["Label"].GetKeyValues(ref keys);
            outcome.ScoreClasses = keys.DenseValues().Select(k => k.ToString()).ToArray();
        }
        else if (data.IsBinary)
            outcome.ScoreClasses = [data.Classes.First(c => c != data.PositiveClass), data.PositiveClass];

        var encoders = _s.Encoders.DefaultIfEmpty("minilm").Where(e => !e.Equals("none", StringComparison.OrdinalIgnoreCase))
            .Select(EncoderChoice.Parse).ToList();
        MeasureLengths(encoders, outcome);
        var candidates = Candidates(data, encoders);
        var search = SearchFactory?.Invoke(candidates) ?? new OrderedSearch(candidates);
        _view.Leaderboard(outcome.Results, outcome.MetricName, null);
        while (!_userCancel.IsCancellationRequested)
        {
            bool anyDone = outcome.Results.Any(r => r.Status == CandidateStatus.Done);
            if (anyDone && Left <= 0)
                break;
            var next = search.Next(outcome.Results, TimeSpan.FromSeconds(Math.Max(0, Left)), Estimate);
            if (next == null)
                break;
            _view.Leaderboard(outcome.Results, outcome.MetricName, next);
            var result = RunCandidate(next, data, enforceDeadline: anyDone);
            outcome.Results.Add(result);
            _view.Leaderboard(outcome.Results, outcome.MetricName, null);
            AfterCandidate?.Invoke(result);
        }
        if (search is OrderedSearch ordered)
        {
            foreach (var (candidate, why) in ordered.Skipped)
                outcome.Results.Add(new CandidateResult { Candidate = candidate, Status = CandidateStatus.Skipped, Note = why });
            foreach (var candidate in ordered.Remaining)
                outcome.Results.Add(new CandidateResult
                {
                    Candidate = candidate, Status = CandidateStatus.Skipped,
                    Note = _userCancel.IsCancellationRequested ? "not reached: stopped by Ctrl+C" : "not reached: the time budget was spent",
                });
        }
        outcome.Interrupted = _userCancel.IsCancellationRequested;

        var done = outcome.Results.Where(r => r.Status == CandidateStatus.Done).ToList();
        if (done.Count == 0)
            throw new SweepException(outcome.Interrupted
                ? "Interrupted before any candidate finished; nothing was written."
                : "No candidate finished: " + string.Join("; ", outcome.Results.Select(r => $"{r.Candidate.Pipeline}: {r.Note}")));
        var first = done[0];
        if (first.Seconds > _s.TrainTimeSeconds && done.Count == 1 && !outcome.Interrupted)
        {
            double fits = Math.Ceiling(first.Seconds * 1.2 + 1);
            double sweep = Math.Ceiling(first.Seconds * 10 + (_rowsPerSecond.Count > 0 ? _all.Examples.Count / _rowsPerSecond.Values.Min() : 60));
            throw new SweepException(
                $"--train-time {_s.TrainTimeSeconds:G4} s is too short for even one candidate: the quickest, {first.Candidate.Pipeline}, " +
                $"took {first.Seconds:F1} s on these {_all.Examples.Count} rows. --train-time {fits:F0} would fit it; about {sweep:F0} " +
                "would fit the encoder candidates too. Nothing was written.");
        }
        outcome.Best = done.MaxBy(r => r.Metric);
        Finish(outcome, data);
        outcome.Seconds = _clock.Elapsed.TotalSeconds;
        return outcome;
    }

    private void MeasureLengths(List<EncoderChoice> encoders, SweepOutcome outcome)
    {
        var texts = _all.Examples.Select(e => e.Text).Concat(_all.Examples.Where(e => e.Text2 != null).Select(e => e.Text2)).ToList();
        foreach (var encoder in encoders)
        {
            try
            {
                var lengths = TokenLengths.Measure(encoder.Tokenizer(), texts, encoder.MaxPositions);
                outcome.TokenLengths[encoder.Name] = lengths;
                string advice = lengths.Advice(lengths.Choose());
                outcome.Notes.Add($"{encoder.Name}: {advice}");
                _view.Info(advice);
            }
            catch (Exception e) when (e is IOException or InvalidDataException)
            {
                _view.Warn($"{encoder.Name}: token lengths not measured ({e.Message}).");
            }
        }
    }

    private List<Candidate> Candidates(TaskData data, List<EncoderChoice> encoders)
    {
        bool binary = data.IsBinary, multi = data.Task == TaskKind.Classification && !binary;
        var list = new List<Candidate>();
        int n = 0;
        foreach (var t in TrainerSpec.ForNGrams(binary, multi))
            list.Add(new Candidate($"c{++n}", CandidateKind.NGrams, null, t));
        foreach (var e in encoders.Where(e => e.Frozen != null))
            foreach (var t in TrainerSpec.ForFeatures(binary, multi, data.Examples.Count))
                list.Add(new Candidate($"c{++n}", CandidateKind.FrozenEncoder, e, t));
        if (data.Task == TaskKind.Classification && !_s.NoFineTune)
            foreach (var e in encoders.Where(e => e.Checkpoint != null))
                list.Add(new Candidate($"c{++n}", CandidateKind.FineTune, e, null));
        return list;
    }

    // Seconds a candidate is expected to take, when the sweep can tell.
    private double? Estimate(Candidate c)
    {
        if (c.Kind != CandidateKind.FineTune || c.Encoder == null)
            return null;
        double rate = _rowsPerSecond.TryGetValue(c.Encoder, out var r) ? r : 0;
        if (rate <= 0)
            return null;
        // A training step costs about three forward passes; one epoch at least, plus scoring the validation rows.
        return _outcome.Train.Examples.Count * 3.0 / rate + _outcome.Valid.Examples.Count / rate;
    }

    private CandidateResult RunCandidate(Candidate c, TaskData data, bool enforceDeadline)
    {
        var result = new CandidateResult { Candidate = c };
        var watch = Stopwatch.StartNew();
        double encodingBefore = _encodingSeconds;
        var ml = new MLContext(_s.Seed);
        using var deadline = new CancellationTokenSource();
        if (enforceDeadline)
            // No candidate may take more than 40 % of the budget, so that one slow trainer cannot starve the other kinds.
            deadline.CancelAfter(TimeSpan.FromSeconds(Math.Max(0.1, Math.Min(Left, Math.Max(10, 0.4 * _s.TrainTimeSeconds)))));
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, _userCancel);
        using var registration = linked.Token.Register(() => Cancellation.Cancel(ml));
        try
        {
            ITransformer model = c.Kind switch
            {
                CandidateKind.NGrams => RunNGrams(ml, c, data, result),
                CandidateKind.FrozenEncoder => RunFrozen(ml, c, data, result, linked.Token),
                _ => RunFineTune(ml, c, data, result, linked.Token),
            };
            if (result.Status == CandidateStatus.Skipped)
                return result;
            result.Status = CandidateStatus.Done;
            result.Seconds = watch.Elapsed.TotalSeconds - (_encodingSeconds - encodingBefore);
            if (result.Evaluation != null)
                _view.Detail($"{c.Id} {c.Pipeline}: " + string.Join(", ", result.Evaluation.Metrics.Select(m => $"{m.Key} {m.Value:F4}")));
            if (_bestSoFar is not { } best || result.Metric > best.Result.Metric)
                _bestSoFar = (result, model);
        }
        catch (OperationCanceledException)
        {
            result.Status = CandidateStatus.Cancelled;
            result.Note = _userCancel.IsCancellationRequested ? "stopped by Ctrl+C"
                : Left > 0 ? $"stopped at its share of the budget ({Math.Max(10, 0.4 * _s.TrainTimeSeconds):F0} s)" : "stopped at the time budget";
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or InvalidDataException or IOException
            or DllNotFoundException or TypeInitializationException or NotSupportedException or FormatException)
        {
            result.Status = CandidateStatus.Failed;
            result.Note = e.Message.Split('\n')[0];
        }
        if (result.Status != CandidateStatus.Skipped)
            result.Seconds = watch.Elapsed.TotalSeconds - (_encodingSeconds - encodingBefore);
        return result;
    }

    private IDataView Prepare(MLContext ml, TaskData data, IReadOnlyList<Example> examples) =>
        Keyed(DataViews.Labeled(ml, data, examples));

    private IDataView Keyed(IDataView view) => _labelKeys?.Transform(view) ?? view;

    private ITransformer Post(MLContext ml, ITransformer head, IDataView headInput) =>
        _labelKeys == null ? null : ml.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(head.Transform(headInput));

    private static ITransformer Chain(params ITransformer[] parts) =>
        new TransformerChain<ITransformer>(parts.Where(p => p != null).ToArray());

    // Scores an estimator: on the validation rows, or by cross-validation over the training rows.
    private ITransformer Score(MLContext ml, IEstimator<ITransformer> estimator, IDataView train, IDataView valid, CandidateResult result, TaskData data)
    {
        if (_s.CvFolds > 0)
        {
            var folds = ml.Data.CrossValidationSplit(train, _s.CvFolds, seed: _s.Seed);
            result.Folds = new List<double>();
            ITransformer last = null;
            for (int f = 0; f < folds.Count; f++)
            {
                _view.Progress($"Folds ({result.Candidate.Pipeline})", f, folds.Count);
                last = estimator.Fit(folds[f].TrainSet);
                result.Evaluation = Evaluation.Of(ml, last.Transform(folds[f].TestSet), data.Task, data.IsBinary, _outcome.ScoreClasses);
                result.Folds.Add(result.Evaluation.Metric);
            }
            _view.Progress($"Folds ({result.Candidate.Pipeline})", folds.Count, folds.Count);
            result.Metric = result.Folds.Average();
            return last;
        }
        var model = estimator.Fit(train);
        result.Evaluation = Evaluation.Of(ml, model.Transform(valid), data.Task, data.IsBinary, _outcome.ScoreClasses);
        result.Metric = result.Evaluation.Metric;
        return model;
    }

    private static IEstimator<ITransformer> NGramEstimator(MLContext ml, Candidate c, bool pair) =>
        (pair
            ? ml.Transforms.Text.FeaturizeText("Features", new Microsoft.ML.Transforms.Text.TextFeaturizingEstimator.Options(), "Text", "Text2")
            : ml.Transforms.Text.FeaturizeText("Features", "Text"))
        .Append(c.Trainer.Create(ml));

    private ITransformer RunNGrams(MLContext ml, Candidate c, TaskData data, CandidateResult result)
    {
        var train = Prepare(ml, data, _outcome.Train.Examples);
        var valid = Prepare(ml, data, _outcome.Valid.Examples);
        var model = Score(ml, NGramEstimator(ml, c, data.IsPair), train, valid, result, data);
        return Chain(model, Post(ml, model, train));
    }

    private ITransformer RunFrozen(MLContext ml, Candidate c, TaskData data, CandidateResult result, CancellationToken cancel)
    {
        var features = Features(c.Encoder, data, cancel);
        if (features == null)
        {
            result.Status = CandidateStatus.Skipped;
            result.Note = _noFeatures[c.Encoder];
            return null;
        }
        var train = Keyed(DataViews.Features(ml, data, _outcome.Train.Examples, features.Train, features.Dimension));
        var valid = Keyed(DataViews.Features(ml, data, _outcome.Valid.Examples, features.Valid, features.Dimension));
        var head = Score(ml, c.Trainer.Create(ml), train, valid, result, data);
        result.Note = features.Windows ? $"windows of {features.MaxTokens} tokens" : $"{features.MaxTokens} tokens";
        return Chain(features.Embed, head, Post(ml, head, train));
    }

    // The encoder's vectors for the sweep, encoding them the first time they are asked for.
    private FeatureSet Features(EncoderChoice encoder, TaskData data, CancellationToken cancel)
    {
        if (_features.TryGetValue(encoder, out var cached))
            return cached;
        if (_noFeatures.ContainsKey(encoder))
            return null;
        var watch = Stopwatch.StartNew();
        try
        {
            return Encode(encoder, data, cancel);
        }
        finally
        {
            _encodingSeconds += watch.Elapsed.TotalSeconds;
        }
    }

    private FeatureSet Encode(EncoderChoice encoder, TaskData data, CancellationToken cancel)
    {
        var ml = new MLContext(_s.Seed);
        int rows = _all.Examples.Count;
        _outcome.TokenLengths.TryGetValue(encoder.Name, out var lengths);
        // Plans from the most faithful to the cheapest: windows over long texts, then truncation at the chosen length,
        // halved down to 128 tokens. One probe gives the encoder's speed in tokens/s; each plan's cost follows from the
        // measured token lengths.
        int chosen = lengths?.Choose() ?? Math.Min(256, encoder.MaxPositions);
        var plans = new List<EncodingPlan>();
        if (lengths is { IsLong: true })
            plans.Add(new EncodingPlan(Math.Min(256, encoder.MaxPositions), Windows: true, SelfContained: _s.SelfContainedZip));
        for (int t = chosen; ; t = Math.Max(128, t / 2))
        {
            plans.Add(new EncodingPlan(t, Windows: false, SelfContained: _s.SelfContainedZip));
            if (t <= 128)
                break;
        }
        double Tokens(EncodingPlan p) => lengths?.TokensPerText(p.Windows, p.MaxTokens, p.Overlap) ?? p.MaxTokens;
        double rate = FeatureSet.Probe(ml, encoder, _all.Examples, data.IsPair, plans[0], _s.GpuDevice);
        double tokensPerSecond = rate * Tokens(plans[0]) * (data.IsPair ? 2 : 1);
        _rowsPerSecond[encoder] = tokensPerSecond / 128.0;   // fine-tuning runs at 128 tokens
        double allowance = Math.Min(Math.Max(0, Left) * 0.6, 0.3 * _s.TrainTimeSeconds);   // within the first candidate's 40 % share
        double Estimate(EncodingPlan p) => rows * Tokens(p) * (data.IsPair ? 2 : 1) / tokensPerSecond;
        var plan = plans.FirstOrDefault(p => Estimate(p) <= allowance);
        if (plan == null)
        {
            var cheapest = plans[^1];
            string why = $"encoding {rows} rows would take about {Estimate(cheapest):F0} s even at {cheapest} ({tokensPerSecond:F0} tokens/s here); " +
                $"{Math.Max(0, Left):F0} s left";
            _noFeatures[encoder] = why;
            _outcome.Notes.Add($"{encoder.Name}: frozen-encoder candidates skipped: {why}.");
            _view.Warn($"{encoder.Name}: {why}; its candidates are skipped (raise --train-time to include them).");
            return null;
        }
        if (plan != plans[0])
        {
            string note = $"{encoder.Name}: {plans[0]} would take about {Estimate(plans[0]):F0} s of the {allowance:F0} s this step may use; encoding with {plan} instead (about {Estimate(plan):F0} s).";
            _outcome.Notes.Add(note);
            _view.Info(note);
        }
        else if (plan.Windows)
        {
            string note = $"{encoder.Name}: long texts encoded as {plan}, mean-pooled over all windows (about {Estimate(plan):F0} s).";
            _outcome.Notes.Add(note);
            _view.Info(note);
        }
        var set = FeatureSet.Encode(ml, encoder, _outcome.Train.Examples, _outcome.Valid.Examples, data.IsPair, plan, _s.GpuDevice, _view, cancel);
        _rowsPerSecond[encoder] = set.RowsPerSecond * Tokens(plan) * (data.IsPair ? 2 : 1) / 128.0;
        _outcome.Encodings.Add(new FeatureSetRecord(encoder.Name, rows, plan.MaxTokens, plan.Windows, set.Seconds, set.RowsPerSecond));
        _view.Info($"Encoded {rows} rows with {encoder.Name} in {set.Seconds:F1} s ({set.RowsPerSecond:F1} rows/s); every trainer reuses them.");
        return _features[encoder] = set;
    }

    private ITransformer RunFineTune(MLContext ml, Candidate c, TaskData data, CandidateResult result, CancellationToken cancel)
    {
        if (!TorchAvailability.Present)
        {
            result.Status = CandidateStatus.Skipped;
            result.Note = TorchAvailability.Missing;
            return null;
        }
        if (_s.CvFolds > 0)
        {
            result.Status = CandidateStatus.Skipped;
            result.Note = "fine-tuning is not cross-validated (one run per fold would not fit a budget); use a validation split";
            return null;
        }
        var train = Prepare(ml, data, _outcome.Train.Examples);
        var valid = Prepare(ml, data, _outcome.Valid.Examples);
        double? perEpoch = Estimate(c);
        int epochs = perEpoch is double e ? Math.Clamp((int)(Math.Max(0, Left) * 0.8 / e), 1, 3) : 1;
        int maxTokens = _fineTuneTokens = Math.Min(_outcome.TokenLengths.TryGetValue(c.Encoder.Name, out var lengths) ? lengths.Choose() : 128, 256);
        result.Curve = new List<FineTuningProgress>();
        var progress = new Progress(p =>
        {
            lock (result.Curve)
                result.Curve.Add(p);
            _view.Progress($"Fine-tuning {c.Encoder.Name} ({epochs} epoch(s), steps)", p.Step, p.TotalSteps);
        });
        var options = new ContextualTextClassificationOptions
        {
            LabelColumnName = "Label", Sentence1ColumnName = "Text", Sentence2ColumnName = data.IsPair ? "Text2" : null,
            MaxEpochs = epochs, MaxTokens = maxTokens, ValidationSet = valid, Progress = progress, CancellationToken = cancel,
            Encoder = c.Encoder.Checkpoint(), Seed = _s.Seed, ProgressInterval = 5,
        };
        ITransformer model = data.IsBinary
            ? ml.BinaryClassification.Trainers.ContextualTextClassification(options).Fit(train)
            : ml.MulticlassClassification.Trainers.ContextualTextClassification(options).Fit(train);
        result.Evaluation = Evaluation.Of(ml, model.Transform(valid), data.Task, data.IsBinary, _outcome.ScoreClasses);
        result.Metric = result.Evaluation.Metric;
        double majority = _outcome.Valid.Examples.GroupBy(x => x.Label).Max(g => g.Count()) / (double)Math.Max(1, _outcome.Valid.Examples.Count);
        result.Note = $"{epochs} epoch(s), {maxTokens} tokens";
        if (result.Metric <= majority + 0.01)
        {
            result.Note += $"; at chance (majority class {majority:P0}): too few rows or epochs";
            _view.Warn($"fine-tuning {c.Encoder.Name} ended at chance ({result.Metric:F3} vs majority class {majority:F3}); too few rows or epochs for it to learn.");
        }
        return Chain(model, Post(ml, model, train));
    }

    // The kept model: the best re-trained on training + validation rows (fine-tuning and Ctrl+C: as scored).
    private void Finish(SweepOutcome outcome, TaskData data)
    {
        var best = outcome.Best;
        var ml = new MLContext(_s.Seed);
        outcome.InputSchema = DataViews.Text(ml, [], data.IsPair).Schema;
        var kept = _bestSoFar.Value.Model;
        bool retrain = best.Candidate.Kind != CandidateKind.FineTune && !outcome.Interrupted;
        if (best.Candidate.Kind != CandidateKind.FineTune && outcome.Interrupted && _s.CvFolds > 0)
            retrain = true;   // cross-validation keeps no whole-data model: fit it once
        if (retrain)
        {
            _view.Info($"Re-training the best, {best.Candidate.Pipeline}, on all {_all.Examples.Count} rows.");
            if (best.Candidate.Kind == CandidateKind.NGrams)
            {
                var all = Prepare(ml, data, _all.Examples);
                var model = NGramEstimator(ml, best.Candidate, data.IsPair).Fit(all);
                kept = Chain(model, Post(ml, model, all));
            }
            else
            {
                var f = _features[best.Candidate.Encoder];
                var all = Keyed(DataViews.Features(ml, data, _all.Examples, [.. f.Train, .. f.Valid], f.Dimension));
                var head = best.Candidate.Trainer.Create(ml).Fit(all);
                kept = Chain(f.Embed, head, Post(ml, head, all));
            }
            outcome.RetrainedOnAll = true;
        }
        else if (outcome.Interrupted)
        {
            string note = $"Interrupted: kept the best so far, {best.Candidate.Pipeline} ({outcome.MetricName} {best.Metric:F4}), as trained on the training split.";
            outcome.Notes.Add(note);
            _view.Warn(note);
        }
        else
            outcome.Notes.Add("Fine-tuned model kept as trained (the validation rows chose its epoch); not re-trained.");
        outcome.Model = kept;
        outcome.LongTextWindows = best.Candidate.Kind == CandidateKind.FrozenEncoder && _features[best.Candidate.Encoder].Windows;
        outcome.MaxTokens = best.Candidate.Kind switch
        {
            CandidateKind.FrozenEncoder => _features[best.Candidate.Encoder].MaxTokens,
            CandidateKind.FineTune => _fineTuneTokens,
            _ => null,
        };
        if (outcome.Test != null)
        {
            var test = Prepare(ml, data, outcome.Test.Examples);
            var scored = kept.Transform(test);
            if (_labelKeys != null)   // the kept model maps PredictedLabel back to text; Evaluate wants the key
                scored = ml.Transforms.Conversion.MapValueToKey("PredictedLabel", "PredictedLabel",
                    keyData: DataViews.Text(ml, outcome.ScoreClasses.Select(k => new Example(k, null, k, 0)), false)).Fit(scored).Transform(scored);
            outcome.TestEvaluation = Evaluation.Of(ml, scored, data.Task, data.IsBinary, outcome.ScoreClasses);
            _view.Info($"Test set ({outcome.Test.Examples.Count} rows): {outcome.MetricName} {outcome.TestEvaluation.Metric:F4}.");
        }
    }
}

/// <summary>A sweep that ends without a model to keep (message for the user).</summary>
public sealed class SweepException(string message) : Exception(message);

file sealed class Progress(Action<FineTuningProgress> report) : IProgress<FineTuningProgress>
{
    public void Report(FineTuningProgress value) => report(value);
}

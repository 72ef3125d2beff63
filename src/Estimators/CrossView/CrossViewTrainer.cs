using System.Diagnostics;
using MLNetContextual.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>A labelled training sentence: its tokens and one gold tag per token.</summary>
internal sealed record LabelledSentence(string[] Tokens, string[] Tags);

/// <summary>
/// Cross-View Training as the reference's trainer runs it (tensorflow/models research/cvt_text, <c>trainer.py</c> and
/// <c>multitask_model.py</c>): minibatches alternate, a labelled one (cross-entropy of the primary module, dropout
/// <see cref="LearnCrossViewTaggerOptions.LabelledDropout"/>) then an unlabelled one (the primary module's distribution
/// without dropout as a fixed teacher; the auxiliary modules, from their restricted views with dropout
/// <see cref="LearnCrossViewTaggerOptions.UnlabelledDropout"/>, are trained towards it, and through them the encoder).
/// One SGD-with-momentum optimiser serves both: each step updates only the parameters its loss reaches (the reference's
/// TensorFlow optimiser skips variables without a gradient), so the consistency loss never moves the primary module,
/// not even through its momentum; gradients are clipped to a global norm, and the learning rate is
/// lr · min(1, t / warm-up) / (1 + decay · √t) at step t (both kinds of minibatch count).
/// </summary>
internal sealed class CrossViewTrainer : IDisposable
{
    private readonly LearnCrossViewTaggerOptions _o;
    private readonly Parameter[] _encoder, _primary, _auxiliary;
    private readonly Dictionary<Parameter, Tensor> _velocity = new(ReferenceEqualityComparer.Instance);

    public CrossViewTrainer(LearnCrossViewTaggerOptions options, CrossViewVocabulary vocabulary)
    {
        _o = options;
        Vocabulary = vocabulary;
        Module = new CrossViewModule(options.Model, vocabulary, options.PretrainedEmbeddings);
        _encoder = Module.EncoderParameters().ToArray();
        _primary = Module.PrimaryParameters().ToArray();
        _auxiliary = Module.AuxiliaryParameters().ToArray();
    }

    public CrossViewModule Module { get; }
    public CrossViewVocabulary Vocabulary { get; }

    /// <summary>Optimiser steps taken.</summary>
    public long Steps { get; private set; }

    /// <summary>The learning rate of the next step.</summary>
    public double NextRate
    {
        get
        {
            double t = Steps + 1;
            double warm = _o.WarmupSteps > 0 ? Math.Min(1, t / _o.WarmupSteps) : 1;
            return _o.LearningRate * warm / (1 + _o.LearningRateDecay * Math.Sqrt(t));
        }
    }

    /// <summary>One labelled minibatch: cross-entropy of the primary module; updates the encoder and the primary module.</summary>
    public double SupervisedStep(IReadOnlyList<CrossViewSentence> batch)
    {
        using var scope = NewDisposeScope();
        var (words, chars, lengths, positions) = Module.Inputs(batch);
        var tags = tensor(batch.SelectMany(s => s.Tags).Select(t => (long)t).ToArray());
        var loss = Module.SupervisedLoss(Module.Run(words, chars, lengths, _o.LabelledDropout), positions, tags, _o.LabelSmoothing);
        double value = loss.item<float>();
        loss.backward();
        Update([.. _encoder, .. _primary]);
        return value;
    }

    /// <summary>One unlabelled minibatch: the consistency loss of the auxiliary modules against the primary module's
    /// fixed predictions; updates the encoder and the auxiliary modules only.</summary>
    public double ConsistencyStep(IReadOnlyList<CrossViewSentence> batch)
    {
        using var scope = NewDisposeScope();
        var (words, chars, lengths, positions) = Module.Inputs(batch);
        var teacher = Module.Teacher(words, chars, lengths, positions);
        var loss = Module.ConsistencyLoss(Module.Run(words, chars, lengths, _o.UnlabelledDropout), positions, teacher, _o.FullViewModule);
        double value = loss.item<float>();
        loss.backward();
        Update([.. _encoder, .. _auxiliary]);
        return value;
    }

    private void Update(Parameter[] parameters)
    {
        double rate = NextRate;
        Steps++;
        using var _ = no_grad();
        var withGrad = parameters.Where(p => p.grad is not null).ToArray();
        double norm = 0;
        foreach (var p in withGrad)
            norm += p.grad!.pow(2).sum().item<float>();
        norm = Math.Sqrt(norm);
        double scale = norm > _o.MaxGradientNorm ? _o.MaxGradientNorm / norm : 1;
        foreach (var p in withGrad)
        {
            var g = p.grad!;
            if (!_velocity.TryGetValue(p, out var v))
                _velocity[p] = v = zeros_like(p).DetachFromDisposeScope();
            v.mul_(_o.Momentum).add_(g, alpha: scale);
            p.sub_(v.mul(rate));
        }
        foreach (var p in parameters.Concat(_primary).Concat(_auxiliary))
            p.grad = null;
    }

    /// <summary>The primary module's tags (ids) for every word of <paramref name="sentences"/>, without dropout.</summary>
    public int[][] Predict(IReadOnlyList<CrossViewSentence> sentences)
    {
        var result = new int[sentences.Count][];
        using var _ = no_grad();
        int size = Math.Max(64, _o.BatchSize);
        for (int start = 0; start < sentences.Count; start += size)
        {
            using var scope = NewDisposeScope();
            var batch = sentences.Skip(start).Take(size).ToArray();
            var (words, chars, lengths, positions) = Module.Inputs(batch);
            var output = Module.Run(words, chars, lengths, 0);
            var flat = output.States.reshape(-1, output.States.shape[2]).index_select(0, positions);
            var best = Module.Primary(flat).argmax(1).data<long>().ToArray();
            int at = 0;
            for (int i = 0; i < batch.Length; i++)
            {
                int n = batch[i].Words.Length - 2;
                result[start + i] = best.Skip(at).Take(n).Select(v => (int)v).ToArray();
                at += n;
            }
        }
        return result;
    }

    public void Dispose()
    {
        foreach (var v in _velocity.Values)
            v.Dispose();
        Module.Dispose();
    }

    /// <summary>Trains a tagger; the result, the progress of every epoch and the epoch whose weights were kept.</summary>
    public static (CrossViewEncoder Encoder, List<CrossViewTrainingProgress> Epochs, int KeptEpoch) Train(LearnCrossViewTaggerOptions o, string name,
        IReadOnlyList<LabelledSentence> labelled, IReadOnlyList<string[]> unlabelled, IReadOnlyList<LabelledSentence> validation)
    {
        o.Validate();
        var cancel = o.CancellationToken;
        bool cvt = !o.SupervisedOnly && unlabelled is { Count: > 0 };
        var pretrained = o.PretrainedEmbeddings;
        var text = labelled.Select(s => (IReadOnlyList<string>)s.Tokens).Concat(cvt ? unlabelled : []);
        var vocabulary = CrossViewVocabulary.Build(text, o.MinCount, o.MaxVocabularySize, o.MaxCharacters,
            pretrained == null ? null : w => pretrained.IndexOf(w) >= 0, labelled.SelectMany(s => s.Tags));
        int l = o.Model.MaxWordLength;
        var train = labelled.Select(s => CrossViewSentence.Of(s.Tokens, vocabulary, l, s.Tags.Select(vocabulary.TagId).ToArray())).ToArray();
        var extra = cvt
            ? unlabelled.SelectMany(u => Pieces(u, o.MaxUnlabelledLength)).Select(u => CrossViewSentence.Of(u, vocabulary, l)).ToArray()
            : [];
        var valid = validation?.Select(s => CrossViewSentence.Of(s.Tokens, vocabulary, l)).ToArray();
        bool chunks = TaggingMetrics.AreChunkTags(vocabulary.Tags);

        TorchRuntime.EnsureLoaded();
        using var threads = TorchThreads.Use(o.NumberOfThreads);
        manual_seed(o.Seed);
        var random = new Random(o.Seed);
        using var trainer = new CrossViewTrainer(o, vocabulary);
        var epochs = new List<CrossViewTrainingProgress>();
        StateTensors best = null;
        double bestScore = double.NegativeInfinity;
        int bestEpoch = 0, unlabelledAt = extra.Length;
        var unlabelledOrder = Enumerable.Range(0, extra.Length).ToArray();
        for (int epoch = 1; epoch <= o.Epochs; epoch++)
        {
            trainer.Module.train();
            var order = Enumerable.Range(0, train.Length).ToArray();
            random.Shuffle(order);
            int batches = (order.Length + o.BatchSize - 1) / o.BatchSize;
            var clock = Stopwatch.StartNew();
            double supSum = 0, cvtSum = 0;
            int supCount = 0, cvtCount = 0;
            long sentences = 0;
            for (int b = 0; b < batches; b++)
            {
                cancel.ThrowIfCancellationRequested();
                var batch = order.Skip(b * o.BatchSize).Take(o.BatchSize).Select(i => train[i]).ToArray();
                supSum += trainer.SupervisedStep(batch);
                supCount++;
                sentences += batch.Length;
                if (cvt && epoch >= o.ConsistencyStartEpoch)
                {
                    cancel.ThrowIfCancellationRequested();
                    var u = new CrossViewSentence[Math.Min(o.BatchSize, extra.Length)];
                    for (int k = 0; k < u.Length; k++)
                    {
                        if (unlabelledAt == extra.Length)
                        {
                            random.Shuffle(unlabelledOrder);
                            unlabelledAt = 0;
                        }
                        u[k] = extra[unlabelledOrder[unlabelledAt++]];
                    }
                    cvtSum += trainer.ConsistencyStep(u);
                    cvtCount++;
                    sentences += u.Length;
                }
                if ((b + 1) % o.ProgressInterval == 0 && b + 1 < batches)
                {
                    o.Progress?.Report(new CrossViewTrainingProgress(epoch, b + 1, batches, trainer.Steps, supSum / supCount,
                        cvtCount > 0 ? cvtSum / cvtCount : null, sentences / clock.Elapsed.TotalSeconds, null, null, false));
                    (supSum, supCount, cvtSum, cvtCount) = (0, 0, 0, 0);
                }
            }
            double speed = sentences / clock.Elapsed.TotalSeconds;
            double? accuracy = null, f1 = null;
            if (valid is { Length: > 0 })
            {
                cancel.ThrowIfCancellationRequested();
                trainer.Module.eval();
                var predicted = trainer.Predict(valid).Select(p => (IReadOnlyList<string>)p.Select(t => vocabulary.Tags[t]).ToArray()).ToArray();
                var gold = validation.Select(s => (IReadOnlyList<string>)s.Tags).ToArray();
                accuracy = TaggingMetrics.Accuracy(gold, predicted);
                if (chunks)
                    f1 = TaggingMetrics.EntityF1(gold, predicted).F1;
            }
            var report = new CrossViewTrainingProgress(epoch, batches, batches, trainer.Steps, supCount > 0 ? supSum / supCount : double.NaN,
                cvtCount > 0 ? cvtSum / cvtCount : null, speed, accuracy, f1, true);
            epochs.Add(report);
            o.Progress?.Report(report);
            // F1 for chunk tags (accuracy breaks ties, as when no chunk is found yet), else accuracy.
            if (o.KeepBestEpoch && accuracy is double acc && (f1 ?? acc) + 1e-6 * acc is var score && score > bestScore)
                (best, bestScore, bestEpoch) = (CrossViewWeights.FromModule(trainer.Module), score, epoch);
        }
        cancel.ThrowIfCancellationRequested();
        trainer.Module.eval();
        bool keepBest = best != null && bestEpoch < o.Epochs;
        var weights = keepBest ? best : CrossViewWeights.FromModule(trainer.Module);
        return (new CrossViewEncoder(name, o.Model, vocabulary, weights), epochs, keepBest ? bestEpoch : o.Epochs);
    }

    /// <summary>A sentence cut into consecutive pieces of at most <paramref name="max"/> tokens.</summary>
    internal static IEnumerable<string[]> Pieces(string[] tokens, int max)
    {
        for (int start = 0; start < tokens.Length; start += max)
            yield return tokens[start..Math.Min(tokens.Length, start + max)];
    }
}

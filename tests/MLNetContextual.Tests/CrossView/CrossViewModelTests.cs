using Microsoft.ML;
using MLNetContextual.Tests.FineTuning;
using static TorchSharp.torch;

namespace MLNetContextual.Tests.CrossView;

/// <summary>The Cross-View Training model: it learns a tagging task that needs context, its managed forward matches
/// TorchSharp, and the consistency loss never moves the primary module.</summary>
[Collection(TorchTrainingCollection.Name)]
public class CrossViewModelTests
{
    [Fact]
    public void Tagger_LearnsATaskThatNeedsContext()
    {
        var test = TinyCrossView.Sentences(60, 11);
        var gold = test.Select(r => (IReadOnlyList<string>)r.Tags.Split(' ')).ToArray();
        var predicted = test.Select(r => (IReadOnlyList<string>)TinyCrossView.Encoder.Tag(r.Text).Tags).ToArray();
        double accuracy = TaggingMetrics.Accuracy(gold, predicted);
        // Chance is 1/4 (the majority tag, NOUN, about 0.35); a word-by-word tagger misses the ambiguous words (~0.87).
        Assert.True(accuracy >= 0.95, $"accuracy {accuracy:F3}");
        var ambiguous = test.SelectMany((r, s) => r.Text.Split(' ').Select((w, i) => (w, s, i)))
            .Where(x => x.w is "saw" or "run" or "walk" or "watch").ToArray();
        double ambiguousAccuracy = ambiguous.Count(x => predicted[x.s][x.i] == gold[x.s][x.i]) / (double)ambiguous.Length;
        Assert.True(ambiguousAccuracy >= 0.9, $"accuracy on the ambiguous words {ambiguousAccuracy:F3} ({ambiguous.Length} of them)");
        var epochs = TinyCrossView.Epochs;
        Assert.Equal(12, epochs.Count);
        Assert.All(epochs, e => Assert.NotNull(e.ConsistencyLoss));
        Assert.All(epochs, e => Assert.NotNull(e.ValidationAccuracy));
        Assert.Null(epochs[0].ValidationF1);   // POS-like tags: no chunks
        Assert.True(epochs[^1].SupervisedLoss < epochs[0].SupervisedLoss, $"supervised loss {epochs[0].SupervisedLoss} → {epochs[^1].SupervisedLoss}");
    }

    [Fact]
    public void ManagedForward_MatchesTorchSharp()
    {
        var encoder = TinyCrossView.Encoder;
        var texts = new[] { "the dog saw a cat .", "my zqxj runs", "x", "the girl likes the bird and the boy watch a house ." };
        var sentences = texts.Select(t => CrossViewSentence.Of(t.Split(' '), encoder.VocabularyInternal, encoder.Config.MaxWordLength)).ToArray();
        var managed = encoder.Forward.States(sentences);
        using var module = (CrossViewModule)encoder.CreateModule();
        using var _ = no_grad();
        var (words, chars, lengths, positions) = module.Inputs(sentences);
        var output = module.Run(words, chars, lengths, 0);
        var states = output.States.data<float>().ToArray();
        long t = output.States.shape[1], d = output.States.shape[2];
        Assert.Equal(encoder.Dimension, (int)d);
        double worst = 0;
        for (int b = 0; b < sentences.Length; b++)
            for (int i = 0; i < sentences[b].Words.Length * d; i++)
                worst = Math.Max(worst, Math.Abs(managed[b][i] - states[b * t * d + i]));
        Assert.True(worst <= 1e-5, $"states differ by {worst}");
        var torchProbs = nn.functional.softmax(module.Primary(output.States.reshape(-1, d).index_select(0, positions)), 1).data<float>().ToArray();
        var managedProbs = sentences.SelectMany((s, b) => encoder.Forward.Probabilities(managed[b], s.Words.Length)).ToArray();
        Assert.Equal(torchProbs.Length, managedProbs.Length);
        double worstP = torchProbs.Zip(managedProbs, (a, m) => Math.Abs(a - m)).Max();
        Assert.True(worstP <= 1e-5, $"probabilities differ by {worstP}");
    }

    [Fact]
    public void ConsistencyStep_UpdatesEncoderAndAuxiliaryModules_NeverThePrimary()
    {
        var options = TinyCrossView.Options();
        var rows = TinyCrossView.Sentences(32, 5);
        var vocabulary = CrossViewVocabulary.Build(rows.Select(r => (IReadOnlyList<string>)r.Text.Split(' ')), 1, 1000, 100, null, rows.SelectMany(r => r.Tags.Split(' ')));
        var labelled = rows.Select(r => CrossViewSentence.Of(r.Text.Split(' '), vocabulary, 8, r.Tags.Split(' ').Select(vocabulary.TagId).ToArray())).ToArray();
        var unlabelled = rows.Select(r => CrossViewSentence.Of(r.Text.Split(' '), vocabulary, 8)).ToArray();
        MLNetContextual.Torch.TorchRuntime.EnsureLoaded();
        manual_seed(1);
        using var trainer = new CrossViewTrainer(options, vocabulary);
        float[][] Snapshot(IEnumerable<TorchSharp.Modules.Parameter> ps) => ps.Select(p => p.detach().clone().data<float>().ToArray()).ToArray();
        for (int i = 0; i < 3; i++)
            trainer.SupervisedStep(labelled[..16]);   // momentum buffers of the primary module are non-zero now
        var primary = Snapshot(trainer.Module.PrimaryParameters());
        var encoder = Snapshot(trainer.Module.EncoderParameters());
        var auxiliary = Snapshot(trainer.Module.AuxiliaryParameters());

        trainer.ConsistencyStep(unlabelled[..16]);

        Assert.Equal(primary, Snapshot(trainer.Module.PrimaryParameters()));
        Assert.All(trainer.Module.PrimaryParameters(), p => Assert.Null(p.grad));
        Assert.NotEqual(encoder, Snapshot(trainer.Module.EncoderParameters()));
        Assert.NotEqual(auxiliary, Snapshot(trainer.Module.AuxiliaryParameters()));

        // And the supervised loss never reaches the auxiliary modules.
        var auxiliaryAfter = Snapshot(trainer.Module.AuxiliaryParameters());
        trainer.SupervisedStep(labelled[16..]);
        Assert.Equal(auxiliaryAfter, Snapshot(trainer.Module.AuxiliaryParameters()));
        Assert.Equal(5, trainer.Steps);
    }

    [Fact]
    public void ConsistencyLoss_GivesNoGradientToThePrimaryModule()
    {
        var rows = TinyCrossView.Sentences(8, 5);
        var vocabulary = CrossViewVocabulary.Build(rows.Select(r => (IReadOnlyList<string>)r.Text.Split(' ')), 1, 1000, 100, null, rows.SelectMany(r => r.Tags.Split(' ')));
        var sentences = rows.Select(r => CrossViewSentence.Of(r.Text.Split(' '), vocabulary, 8)).ToArray();
        MLNetContextual.Torch.TorchRuntime.EnsureLoaded();
        manual_seed(2);
        using var module = new CrossViewModule(TinyCrossView.Config(), vocabulary);
        var (words, chars, lengths, positions) = module.Inputs(sentences);
        var teacher = module.Teacher(words, chars, lengths, positions);
        var loss = module.ConsistencyLoss(module.Run(words, chars, lengths, 0.2), positions, teacher, includeFull: true);
        loss.backward();
        Assert.All(module.PrimaryParameters(), p => Assert.True(p.grad is null || p.grad.abs().max().item<float>() == 0));
        Assert.All(module.AuxiliaryParameters(), p => Assert.NotNull(p.grad));
        Assert.Contains(module.EncoderParameters(), p => p.grad is not null && p.grad.abs().max().item<float>() > 0);
    }

    [Fact]
    public void SupervisedOnly_IgnoresTheUnlabelledSet_AndReportsNoConsistencyLoss()
    {
        var ml = new MLContext(seed: 1);
        var options = TinyCrossView.Options(epochs: 2);
        options.SupervisedOnly = true;
        options.UnlabelledSet = ml.Data.LoadFromEnumerable(TinyCrossView.Sentences(20, 7).Select(r => new TinyCrossView.TextRow { Text = r.Text }));
        var estimator = ml.Transforms.Text.LearnCrossViewTagger(options);
        estimator.Fit(ml.Data.LoadFromEnumerable(TinyCrossView.Sentences(32, 5)));
        Assert.All(estimator.LastTrainingEpochs, e => Assert.Null(e.ConsistencyLoss));
        Assert.Equal(4, estimator.LastTrainingEpochs[^1].Step);   // 2 labelled minibatches per epoch, no unlabelled ones
    }

    [Fact]
    public void ConsistencyStartEpoch_TrainsSupervisedOnlyBeforeIt()
    {
        var ml = new MLContext(seed: 1);
        var options = TinyCrossView.Options(epochs: 3);
        options.ConsistencyStartEpoch = 3;
        options.UnlabelledSet = ml.Data.LoadFromEnumerable(TinyCrossView.Sentences(20, 7).Select(r => new TinyCrossView.TextRow { Text = r.Text }));
        var estimator = ml.Transforms.Text.LearnCrossViewTagger(options);
        estimator.Fit(ml.Data.LoadFromEnumerable(TinyCrossView.Sentences(32, 5)));
        var epochs = estimator.LastTrainingEpochs;
        Assert.Null(epochs[0].ConsistencyLoss);
        Assert.Null(epochs[1].ConsistencyLoss);
        Assert.NotNull(epochs[2].ConsistencyLoss);
        Assert.Equal([2L, 4L, 8L], epochs.Select(e => e.Step));   // epoch 3: 2 labelled + 2 unlabelled minibatches
    }

    [Fact]
    public void EntityF1_ScoresChunksAsConlleval()
    {
        string[][] gold = [["B-PER", "I-PER", "O", "B-LOC"], ["O", "B-ORG", "I-ORG", "I-ORG"]];
        string[][] predicted = [["B-PER", "I-PER", "O", "B-ORG"], ["O", "B-ORG", "I-ORG", "O"]];
        var (p, r, f1) = TaggingMetrics.EntityF1(gold, predicted);
        // Gold chunks: PER(0-1), LOC(3), ORG(1-3); predicted: PER(0-1), ORG(3), ORG(1-2): one of three right.
        Assert.Equal(1 / 3.0, p, 9);
        Assert.Equal(1 / 3.0, r, 9);
        Assert.Equal(1 / 3.0, f1, 9);
        Assert.Equal(6 / 8.0, TaggingMetrics.Accuracy(gold, predicted), 9);
        // An I- that follows O starts a chunk (IOB1), as conlleval reads it.
        Assert.Equal([("PER", 1, 2)], TaggingMetrics.Chunks(["O", "I-PER", "I-PER"]));
        Assert.Equal([("PER", 0, 0), ("LOC", 1, 1)], TaggingMetrics.Chunks(["S-PER", "B-LOC", "O"]).OrderBy(c => c.Start));
    }
}

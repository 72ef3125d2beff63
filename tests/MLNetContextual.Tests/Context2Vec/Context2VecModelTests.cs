using Microsoft.ML;
using MLNetContextual.Tests.Elmo;
using MLNetContextual.Tests.FineTuning;

namespace MLNetContextual.Tests.Context2Vec;

/// <summary>What context2vec is: training lowers the loss, a slot's context never sees its own word, negatives follow
/// unigram^0.75, the managed forward matches TorchSharp, and the nearest target words of a slot are its fillers.</summary>
[Collection(TorchTrainingCollection.Name)]
public class Context2VecModelTests
{
    [Fact]
    public void Training_LowersTheLoss()
    {
        var epochs = TinyContext2Vec.Epochs;
        Assert.Equal(40, epochs.Count);
        Assert.All(epochs, e => Assert.True(double.IsFinite(e.TrainLoss) && e.WordsPerSecond > 0 && e.EpochDone));
        // 11 log σ terms at zero scores: 11 · ln 2 = 7.62 is the loss of the untrained model (targets start at 0).
        Assert.True(epochs[0].TrainLoss < 11 * Math.Log(2) + 1e-3, $"first epoch {epochs[0].TrainLoss}");
        Assert.True(epochs[^1].TrainLoss < epochs[0].TrainLoss * 0.6, $"loss {epochs[0].TrainLoss:F3} → {epochs[^1].TrainLoss:F3}");
    }

    [Fact]
    public void ContextOfSlotI_DoesNotSeeWordI_ButSeesItsNeighbours()
    {
        var c2v = TinyContext2Vec.Encoder;
        var a = c2v.ContextVectors("the cat drinks milk today .");
        var b = c2v.ContextVectors("the cat eats milk today .");      // word 2 changed
        Assert.Equal(6, a.Length);
        Assert.True(ElmoSeamTests.MaxDiff(a[2], b[2]) == 0, "slot 2 must not see word 2");
        Assert.True(ElmoSeamTests.MaxDiff(a[3], b[3]) > 1e-4, "slot 3 sees word 2 (its left neighbour)");
        Assert.True(ElmoSeamTests.MaxDiff(a[1], b[1]) > 1e-4, "slot 1 sees word 2 (its right neighbour)");
        var c = c2v.ContextVectors("the dog drinks milk today .");      // word 1 changed
        Assert.True(ElmoSeamTests.MaxDiff(a[1], c[1]) == 0, "slot 1 must not see word 1");
        Assert.True(ElmoSeamTests.MaxDiff(a[2], c[2]) > 1e-4, "slot 2 sees word 1");
    }

    [Fact]
    public void Sampler_FollowsUnigramToThePower075()
    {
        long[] counts = [50, 0, 0, 1000, 300, 100, 10, 1];
        var sampler = new Context2VecSampler(counts, 0.75);
        double z = counts.Sum(c => Math.Pow(c, 0.75));
        for (int i = 0; i < counts.Length; i++)
            Assert.Equal(Math.Pow(counts[i], 0.75) / z, sampler.Probabilities[i], 12);
        var draws = new long[400_000];
        sampler.Sample(new Random(5), draws);
        var seen = new double[counts.Length];
        foreach (var d in draws)
            seen[d]++;
        for (int i = 0; i < counts.Length; i++)
        {
            double p = sampler.Probabilities[i], f = seen[i] / draws.Length;
            Assert.True(Math.Abs(f - p) < 4 * Math.Sqrt(p * (1 - p) / draws.Length) + 1e-9, $"id {i}: drawn {f:F5}, expected {p:F5}");
        }
        Assert.Equal(0, seen[1]);     // <BOS> and <EOS> have count 0: never drawn
        Assert.Equal(0, seen[2]);
        var uniform = new Context2VecSampler(counts, 0);
        Assert.Equal(1.0 / 6, uniform.Probabilities[7], 12);    // power 0: every word with a count alike
    }

    [Fact]
    public void ManagedForward_MatchesTorchSharp()
    {
        var c2v = TinyContext2Vec.Encoder;
        var texts = new[] { "the cat drinks milk every morning .", "a girl reads", "", "unknown words zzz qqq drink milk" };
        using var session = (ITokenEncoder)c2v.Open(new ContextualTokenEmbeddingOptions { Encoder = c2v });
        var encoded = texts.Select(t => session.Encode(t)).ToArray();
        var managed = new float[texts.Length][];
        session.Run(encoded, [0], (i, s) => managed[i] = s.Layer(0).ToArray());
        using var module = (Context2VecModule)c2v.CreateModule();
        using var scope = TorchSharp.torch.NewDisposeScope();
        using var grad = TorchSharp.torch.no_grad();
        var output = module.Encode(encoded);
        var torchStates = output.Layers[0];
        int d = c2v.Dimension;
        double worst = 0;
        for (int b = 0; b < texts.Length; b++)
        {
            var row = torchStates[b].contiguous().data<float>().ToArray();
            Assert.Equal(encoded[b].Length * d, managed[b].Length);
            for (int k = 0; k < managed[b].Length; k++)
                worst = Math.Max(worst, Math.Abs(row[k] - managed[b][k]));
            Assert.Equal(encoded[b].Length, (int)output.Mask[b].sum().item<float>());
        }
        Assert.True(worst <= 1e-5, $"managed vs TorchSharp: max |Δ| = {worst:E2}");
    }

    [Fact]
    public void Substitutes_FindTheObviousFiller()
    {
        var c2v = TinyContext2Vec.Encoder;
        var top = c2v.Substitutes("the boy drinks milk every morning .", 3, count: 3, excludeWord: false);
        Assert.Equal("milk", top[0].Word);
        Assert.True(top[0].Score > top[1].Score);
        var eats = c2v.Substitutes("my friend eats milk today .", 3, count: 3, excludeWord: false);
        Assert.True("bread" == eats[0].Word, string.Join(", ", eats));
        var without = c2v.Substitutes("the boy drinks milk every morning .", 3, count: 5);
        Assert.DoesNotContain(without, s => s.Word == "milk");
        Assert.Equal(5, without.Count);
        Assert.All(without, s => Assert.DoesNotContain(s.Word, new[] { "<UNK>", "<BOS>", "<EOS>" }));
        // by character span: "milk" in "the boy drinks milk ..." starts at 15
        Assert.Equal("milk", c2v.SubstitutesAt("the boy drinks milk every morning .", 15, 4, count: 1, excludeWord: false)[0].Word);
        // an unknown word in the slot: the context still decides
        Assert.Equal("books", c2v.Substitutes("a girl reads zzzz today .", 3, count: 1)[0].Word);
    }

    [Fact]
    public void ValidationLoss_IsReportedPerEpoch_WithProgress()
    {
        var ml = new MLContext(seed: 1);
        var options = TinyContext2Vec.Options(epochs: 3);
        options.ValidationSet = ml.Data.LoadFromEnumerable(TinyContext2Vec.Corpus().Take(10));
        options.ProgressInterval = 4;
        var reports = new List<Context2VecTrainingProgress>();
        options.Progress = new LearnElmoTests.SyncProgress<Context2VecTrainingProgress>(reports.Add);
        var estimator = ml.Transforms.Text.LearnContext2Vec(options);
        using var model = estimator.Fit(ml.Data.LoadFromEnumerable(TinyContext2Vec.Corpus()));
        var epochs = estimator.LastTrainingEpochs;
        Assert.Equal(3, epochs.Count);
        Assert.All(epochs, e => Assert.True(e.ValidationLoss is double v && double.IsFinite(v)));
        Assert.True(epochs[^1].ValidationLoss < epochs[0].ValidationLoss);
        Assert.Contains(reports, r => !r.EpochDone && r.Batch == 4);
        Assert.Equal(3, reports.Count(r => r.EpochDone));
    }

    [Fact]
    public void KeepBestEpoch_KeepsTheLowestValidationLoss_NotTheLast()
    {
        // Validation on the training sentences reversed: the model first learns word frequencies (validation falls), then
        // the training order, which the reversed sentences contradict (validation rises).
        var ml = new MLContext(seed: 1);
        var corpus = ml.Data.LoadFromEnumerable(TinyContext2Vec.Corpus());
        var reversed = ml.Data.LoadFromEnumerable(TinyContext2Vec.Corpus()
            .Select(r => new TinyContext2Vec.TextRow { Text = string.Join(' ', r.Text.Split(' ').Reverse()) }).ToArray());
        (float[] Vector, LearnContext2VecEstimator Estimator) Train(bool keepBest)
        {
            var options = TinyContext2Vec.Options(epochs: 12);
            options.LearningRate = 3e-2;
            options.ValidationSet = reversed;
            options.KeepBestEpoch = keepBest;
            var estimator = ml.Transforms.Text.LearnContext2Vec(options);
            using var model = estimator.Fit(corpus);
            var c2v = (Context2VecEncoder)model.Encoder;
            return (c2v.ContextVectors("the boy drinks milk .")[2], estimator);
        }
        var (best, withBest) = Train(keepBest: true);
        var (last, withLast) = Train(keepBest: false);
        var losses = withBest.LastTrainingEpochs.Select(e => e.ValidationLoss!.Value).ToArray();
        int argmin = Array.IndexOf(losses, losses.Min()) + 1;
        Assert.True(argmin < losses.Length, $"validation losses {string.Join(", ", losses.Select(l => l.ToString("F3")))}: the test needs a rise");
        Assert.Equal(argmin, withBest.LastKeptEpoch);
        Assert.Equal(12, withLast.LastKeptEpoch);
        Assert.Equal(losses, withLast.LastTrainingEpochs.Select(e => e.ValidationLoss!.Value).ToArray());   // same run up to the choice
        Assert.NotEqual(best, last);
    }

    [Fact]
    public void Training_IsRepeatableForASeed()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(TinyContext2Vec.Corpus());
        float[] Run()
        {
            using var model = ml.Transforms.Text.LearnContext2Vec(TinyContext2Vec.Options(epochs: 1)).Fit(data);
            return ((Context2VecEncoder)model.Encoder).ContextVectors("the cat drinks milk .")[2];
        }
        Assert.Equal(Run(), Run());
    }
}

using MLNetContextual.Fuzzing;
using Xunit.Abstractions;

namespace MLNetContextual.Tests.Robustness;

/// <summary>
/// The CI subset of the fuzzing suite: per reader, a fixed-seed run of mutated inputs from valid files made in code
/// (bench/MLNetContextual.Fuzz/Targets). A crash ends the test host; an exception outside the documented set
/// (<see cref="InvalidDataException"/>, <see cref="NotSupportedException"/>), a documented one that does not name the
/// input, or an input running past the time limit fails the test. The long runs: bench/RESULTS.md.
/// </summary>
public class FuzzTests(ITestOutputHelper output)
{
    public static TheoryData<string, int> Targets() => new()
    {
        { "word2vec-binary", 1500 }, { "word2vec-text", 1500 }, { "glove", 1500 }, { "fasttext-vec", 1500 }, { "static-blob", 1500 },
        { "vocab", 800 }, { "safetensors", 1500 }, { "hf-config", 1500 }, { "onnx", 1500 }, { "pytorch-bin", 300 },
    };

    [Theory]
    [MemberData(nameof(Targets))]
    public void SeededMutations_OnlyDocumentedErrors(string target, int count)
    {
        var report = MutationRunner.Run(FuzzTargets.Get(target), count, seed: 20261201, TimeSpan.FromSeconds(20));
        output.WriteLine(report.ToString());
        Assert.True(report.Hangs.Count == 0, $"hang: {report}");
        Assert.True(report.UnexpectedCount == 0, report.ToString());
        Assert.Equal(count, report.Inputs);
        Assert.True(report.Rejected.Values.Sum() > 0, "the mutations should reach the readers' checks");
    }

    [Fact]
    public void EveryTargetHasAValidCorpus()
    {
        Assert.Equal(10, FuzzTargets.All.Count);
        foreach (var target in FuzzTargets.All)
            foreach (var seed in target.Seeds())
                target.Run(seed);
    }

    [Fact]
    public void TinyBertOnnxSeed_ImportsWithTheExpectedConfig()
    {
        var (config, weights) = MLNetContextual.Torch.Import.OnnxBertImporter.Import(
            MLNetContextual.Torch.Import.OnnxGraph.Parse(OnnxSeed.TinyBert(), "tiny.onnx"), "tiny.onnx");
        Assert.Equal(FuzzTargets.TinyConfig with { LayerNormEps = config.LayerNormEps }, config);
        Assert.Equal(1e-12, config.LayerNormEps, 1e-15);
        Assert.Equal([OnnxSeed.Intermediate, OnnxSeed.Hidden], weights["encoder.layer.0.intermediate.dense.weight"].Shape);
    }

    [Fact]
    public void Mutator_IsDeterministic()
    {
        var seed = FuzzTargets.Get("glove").Seeds()[0];
        var a = new Random(5);
        var b = new Random(5);
        for (int i = 0; i < 200; i++) Assert.Equal(MutationRunner.Mutate(seed, a), MutationRunner.Mutate(seed, b));
    }
}

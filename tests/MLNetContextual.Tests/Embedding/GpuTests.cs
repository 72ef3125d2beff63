using System.Numerics.Tensors;
using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using static MLNetContextual.Tests.ContextualEmbeddingTests;

namespace MLNetContextual.Tests;

/// <summary>
/// The CUDA path (<see cref="EncoderOptions.GpuDeviceId"/>): the embedded MiniLM on GPU 0 gives the CPU's vectors.
/// Skipped, with the reason shown, where ONNX Runtime has no CUDA provider (the default build: the tests reference the
/// CPU package; build with -p:MLNetContextualGpu=true, see build/OnnxRuntimeGpu.targets) or no GPU can be opened.
/// </summary>
public class GpuTests
{
    [SkippableFact]
    public void MiniLM_OnGpu_MatchesCpu()
    {
        var providers = OrtEnv.Instance().GetAvailableProviders();
        Skip.IfNot(providers.Contains("CUDAExecutionProvider"),
            $"No CUDA execution provider in this ONNX Runtime (it has {string.Join(", ", providers)}): build the tests with -p:MLNetContextualGpu=true on a machine with an NVIDIA GPU.");
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows);
        float[][] Embed(int? device)
        {
            using var model = (ContextualEmbeddingTransformer)ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text",
                new ContextualEmbeddingOptions { GpuDeviceId = device, CacheSizeMB = 0 }).Fit(data);
            return ml.Data.CreateEnumerable<FeaturesRow>(model.Transform(data), reuseRowObject: false).Select(r => r.Features).ToArray();
        }
        float[][] gpu;
        try
        {
            gpu = Embed(0);
        }
        catch (InvalidOperationException e)
        {
            throw new SkipException($"The CUDA provider is there but GPU 0 cannot be used: {e.Message}");
        }
        var cpu = Embed(null);
        for (int i = 0; i < cpu.Length; i++)
        {
            Assert.True(TensorPrimitives.CosineSimilarity(cpu[i], gpu[i]) > 0.9999f, $"row {i}");
            Assert.True(TensorPrimitives.MaxMagnitude(Diff(cpu[i], gpu[i])) <= 1e-3f, $"row {i}");
        }
    }

    [SkippableFact]
    public void WithoutCuda_GpuDeviceId_FailsNamingTheGpu_OrFallsBackToCpu()
    {
        var providers = OrtEnv.Instance().GetAvailableProviders();
        Skip.If(providers.Contains("CUDAExecutionProvider"), "This ONNX Runtime has the CUDA provider; MiniLM_OnGpu_MatchesCpu covers it.");
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Rows);
        var e = Assert.Throws<InvalidOperationException>(() => ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text",
            new ContextualEmbeddingOptions { GpuDeviceId = 0 }).Fit(data));
        Assert.StartsWith("GPU 0 cannot be used", e.Message);
        Assert.Contains("or set FallbackToCpu", e.Message);

        float[][] Embed(ContextualEmbeddingOptions options)
        {
            using var model = (ContextualEmbeddingTransformer)ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text", options).Fit(data);
            return ml.Data.CreateEnumerable<FeaturesRow>(model.Transform(data), reuseRowObject: false).Select(r => r.Features).ToArray();
        }
        Assert.Equal(Embed(new ContextualEmbeddingOptions { CacheSizeMB = 0 }),
            Embed(new ContextualEmbeddingOptions { GpuDeviceId = 0, FallbackToCpu = true, CacheSizeMB = 0 }));
    }

    private static float[] Diff(float[] a, float[] b)
    {
        var d = new float[a.Length];
        TensorPrimitives.Subtract(a, b, d);
        return d;
    }
}

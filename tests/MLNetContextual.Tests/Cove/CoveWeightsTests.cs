using static TorchSharp.torch;

namespace MLNetContextual.Tests.Cove;

/// <summary>The published weight layout: a state dict of nn.LSTM(d, H, 2, bidirectional=True) saved with torch.save
/// layout (PyBridge), loaded by FromPyTorch, run by the managed forward and by the TorchSharp module, against TorchSharp's
/// own nn.LSTM on the same weights.</summary>
public class CoveWeightsTests
{
    private const string Sentence = "The big dog sat on the mat in the park.";

    private static float[] Glove(CoveEncoder encoder, EncodedText text)
    {
        var x = new float[text.Length * TinyCove.Dim];
        for (int t = 0; t < text.Length; t++)
            if (text.Ids[t] >= 0)
                encoder.Glove.GetVector(encoder.Glove.Words[text.Ids[t]]).CopyTo(x.AsSpan(t * TinyCove.Dim));
        return x;
    }

    private static float[][] Managed(CoveEncoder encoder, string text, out EncodedText encoded)
    {
        using var session = (ITokenEncoder)encoder.Open(new EncoderOptions { Encoder = encoder });
        var e = encoded = session.Encode(text);
        var layers = new float[session.LayerCount][];
        session.Run([e], Enumerable.Range(0, session.LayerCount).ToArray(),
            (_, s) => { for (int l = 0; l < s.LayerCount; l++) layers[l] = s.Layer(l).ToArray(); });
        return layers;
    }

    [Fact]
    public void FromPyTorch_ManagedForward_MatchesTorchSharpLstm()
    {
        using var folder = new TempFolder();
        using var lstm = TinyCove.Lstm();
        var encoder = CoveEncoder.FromPyTorch(TinyCove.SavePth(lstm, folder), TinyCove.Glove(), includeGlove: false);
        Assert.Equal(2, encoder.LstmLayers);
        Assert.Equal(TinyCove.Hidden, encoder.HiddenSize);
        var layers = Managed(encoder, Sentence, out var text);
        Assert.Equal(11, text.Length);
        var x = Glove(encoder, text);

        using var _ = no_grad();
        using var input = tensor(x, [1, text.Length, TinyCove.Dim]);
        var (top, _, _) = lstm.forward(input);                                  // the reference: nn.LSTM, 2 layers
        Assert.True(MaxDiff(top.data<float>().ToArray(), layers[1]) <= 1e-5, "layer 2 (CoVe) differs from nn.LSTM");

        // Layer 1: a one-layer nn.LSTM with the l0 tensors (what the reference's layer0=True builds).
        using var first = nn.LSTM(TinyCove.Dim, TinyCove.Hidden, 1, batchFirst: true, bidirectional: true);
        var all = lstm.state_dict();
        foreach (var (name, p) in first.named_parameters())
            p.copy_(all[name]);
        var (bottom, _, _) = first.forward(input);
        Assert.True(MaxDiff(bottom.data<float>().ToArray(), layers[0]) <= 1e-5, "layer 1 differs from nn.LSTM");
    }

    [Fact]
    public void TorchSharpModule_PaddedBatch_MatchesManagedForward()
    {
        var encoder = TinyCove.Encoder;
        string[] texts = ["the cat", Sentence, "a small child plays in the red house, unknownword ."];
        using var module = encoder.CreateModule();
        var tokenizer = encoder.CreateTokenizer();
        var batch = texts.Select(t => tokenizer.Encode(t, null, 64)).ToArray();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var output = module.Encode(batch);
        Assert.Equal(3, output.Layers.Count);
        for (int i = 0; i < texts.Length; i++)
        {
            var managed = Managed(encoder, texts[i], out var e);
            for (int l = 0; l < 3; l++)
            {
                var row = output.Layers[l][i].narrow(0, 0, e.Length).contiguous().data<float>().ToArray();
                Assert.True(MaxDiff(row, managed[l]) <= 1e-5, $"text {i}, layer {l}: TorchSharp and managed differ");
            }
        }
    }

    [Fact]
    public void Layers_AreGloveThenGloveAndEachLstmLayer_UnknownWordsZero()
    {
        var encoder = TinyCove.Encoder;   // IncludeGlove
        Assert.Equal(3, encoder.LayerCount);
        Assert.Equal(TinyCove.Dim + 2 * TinyCove.Hidden, encoder.Dimension);
        var layers = Managed(encoder, "The qwertyuiop cat", out var text);
        Assert.Equal(-1, text.Ids[1]);
        int d = encoder.Dimension;
        var cat = encoder.Glove.GetVector("cat").ToArray();
        var h = Managed(encoder.WithGlove(false), "The qwertyuiop cat", out _);
        for (int l = 0; l < 3; l++)
        {
            Assert.Equal(cat, layers[l].AsSpan(2 * d, TinyCove.Dim).ToArray());       // GloVe first, lower-cased lookup
            Assert.All(layers[l].AsSpan(d, TinyCove.Dim).ToArray(), v => Assert.Equal(0f, v));   // unknown word: zero vector
            var rest = layers[l].AsSpan(2 * d + TinyCove.Dim, 2 * TinyCove.Hidden).ToArray();
            if (l == 0)
                Assert.All(rest, v => Assert.Equal(0f, v));
            else
                Assert.Equal(h[l - 1].AsSpan(2 * 2 * TinyCove.Hidden, 2 * TinyCove.Hidden).ToArray(), rest);
        }
    }

    [Fact]
    public void ConcatenatedLayout_IsGloveThenEveryLstmLayer_InBothRuntimes()
    {
        var layered = TinyCove.Encoder;
        var concatenated = layered.WithLayout(includeGlove: true, concatenateLayers: true);
        Assert.Equal(1, concatenated.LayerCount);
        Assert.Equal(TinyCove.Dim + 2 * 2 * TinyCove.Hidden, concatenated.Dimension);
        var parts = Managed(layered, Sentence, out var text);
        var one = Managed(concatenated, Sentence, out var unused)[0];
        int d = TinyCove.Dim, h2 = 2 * TinyCove.Hidden, dim = concatenated.Dimension;
        for (int t = 0; t < text.Length; t++)
        {
            Assert.Equal(parts[0].AsSpan(t * layered.Dimension, d).ToArray(), one.AsSpan(t * dim, d).ToArray());
            for (int l = 1; l <= 2; l++)
                Assert.Equal(parts[l].AsSpan(t * layered.Dimension + d, h2).ToArray(), one.AsSpan(t * dim + d + (l - 1) * h2, h2).ToArray());
        }
        using var module = concatenated.CreateModule();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var output = module.Encode([text]);
        Assert.Single(output.Layers);
        Assert.True(MaxDiff(output.Layers[0][0].contiguous().data<float>().ToArray(), one) <= 1e-5);
        var saved = CoveEncoder.FromPyTorch(SaveTo(concatenated, out var folder), TinyCove.Glove()).WithLayout(true, true);
        folder.Dispose();
        Assert.Equal(one, Managed(saved, Sentence, out unused)[0]);
    }

    private static string SaveTo(CoveEncoder encoder, out TempFolder folder)
    {
        folder = new TempFolder();
        string path = folder.File("w.pth");
        encoder.SavePyTorch(path);
        return path;
    }

    [Fact]
    public void ReverseDirection_ReadsRightToLeft()
    {
        var encoder = TinyCove.Encoder.WithGlove(false);
        var a = Managed(encoder, "the man sees the dog", out _);
        var b = Managed(encoder, "the man sees the cat", out _);
        int h = TinyCove.Hidden;
        for (int l = 0; l < 2; l++)
        {
            // token 0: layer 1's forward half cannot see the last word (layer 2's reads layer 1's backward half), the backward half must.
            if (l == 0)
                Assert.Equal(a[l].AsSpan(0, h).ToArray(), b[l].AsSpan(0, h).ToArray());
            Assert.True(MaxDiff(a[l].AsSpan(h, h).ToArray(), b[l].AsSpan(h, h).ToArray()) > 1e-4, $"layer {l + 1}: the first token's backward state ignores the last word");
        }
    }

    [Fact]
    public void SavePyTorch_RoundTripsTheStateDict()
    {
        using var folder = new TempFolder();
        string path = folder.File("again.pth");
        TinyCove.Encoder.SavePyTorch(path);
        var again = CoveEncoder.FromPyTorch(path, TinyCove.Glove());
        Assert.Equal(Managed(TinyCove.Encoder, Sentence, out _)[2], Managed(again, Sentence, out _)[2]);
    }

    internal static double MaxDiff(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double m = 0;
        for (int i = 0; i < a.Length; i++)
            m = Math.Max(m, Math.Abs(a[i] - b[i]));
        return m;
    }
}

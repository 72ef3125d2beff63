using TorchSharp;
using static TorchSharp.torch;

namespace MLNetContextual.Tests.Cove;

/// <summary>Tiny CoVe pieces for unit tests: a 6-d GloVe table of a toy vocabulary and a 2-layer biLSTM of 4 units per
/// direction saved as a PyTorch state dict with the published key names.</summary>
internal static class TinyCove
{
    public const int Dim = 6, Hidden = 4;

    public static readonly string[] Words =
    [
        "the", "a", "cat", "dog", "sat", "ran", "on", "mat", "in", "park", "big", "small", "man", "woman", "sees", "eats", ".", ",",
        "red", "blue", "house", "street", "child", "plays",
    ];

    public static StaticEmbeddings Glove(int dimension = Dim)
    {
        var random = new Random(3);
        var vectors = new float[Words.Length * dimension];
        for (int i = 0; i < vectors.Length; i++)
            vectors[i] = (float)(random.NextDouble() * 2 - 1);
        return new StaticEmbeddings(Words, vectors, dimension);
    }

    /// <summary>nn.LSTM(Dim, Hidden, 2, bidirectional, batch_first) with random weights drawn from <paramref name="seed"/>.</summary>
    public static TorchSharp.Modules.LSTM Lstm(int seed = 11, int layers = 2)
    {
        MLNetContextual.Torch.TorchRuntime.EnsureLoaded();
        lock (typeof(TinyCove))
        {
            manual_seed(seed);
            return nn.LSTM(Dim, Hidden, layers, batchFirst: true, bidirectional: true);
        }
    }

    /// <summary>Saves <paramref name="module"/>'s state dict as torch.save does (PyBridge) to a new file in <paramref name="folder"/>.</summary>
    public static string SavePth(nn.Module module, TempFolder folder, string name = "wmtlstm-tiny.pth")
    {
        string path = folder.File(name);
        TorchSharp.PyBridge.PyBridgeModuleExtensions.save_py(module, path);
        return path;
    }

    private static readonly Lazy<CoveEncoder> s_encoder = new(() =>
    {
        using var folder = new TempFolder();
        using var lstm = Lstm();
        return CoveEncoder.FromPyTorch(SavePth(lstm, folder), Glove());
    });

    /// <summary>A tiny published-layout encoder ([GloVe; h] layers, 3 × 14 values).</summary>
    public static CoveEncoder Encoder => s_encoder.Value;

    /// <summary>A module whose state dict has exactly the given names and shapes (to forge bad .pth files).</summary>
    public sealed class StateDict : nn.Module
    {
        public StateDict(IEnumerable<(string Name, long[] Shape)> tensors) : base("StateDict")
        {
            foreach (var (name, shape) in tensors)
                register_parameter(name, nn.Parameter(randn(shape)));
        }
    }
}

using static TorchSharp.torch;

namespace MLNetContextual.Tests.Elmo;

/// <summary>A tiny ELMo shape for unit tests (2 layers, vectors of 16), its weights drawn once from a fixed seed.</summary>
internal static class TinyElmo
{
    public static ElmoConfig Config() => new()
    {
        LstmDim = 16, ProjectionDim = 8, LstmLayers = 2, CellClip = 3, ProjectionClip = 3, UseSkipConnections = true,
        CharEmbeddingDim = 4, Filters = [[1, 4], [2, 8]], HighwayLayers = 1, MaxCharactersPerToken = 12, Activation = "tanh",
    };

    private static readonly Lazy<ElmoEncoder> s_encoder = new(() =>
    {
        MLNetContextual.Torch.TorchRuntime.EnsureLoaded();
        lock (typeof(TinyElmo))
        {
            manual_seed(7);
            return ElmoEncoder.Untrained(Config());
        }
    });

    public static ElmoEncoder Encoder => s_encoder.Value;
}

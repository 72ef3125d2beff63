using TorchSharp;
using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>Weights in and out of a module: the zip blob (TorchSharp's state-dict format) and in-memory snapshots.</summary>
internal static class TorchState
{
    public static void Write(nn.Module module, BinaryWriter writer) => module.save(writer);

    public static void Read(nn.Module module, BinaryReader reader)
    {
        try
        {
            module.load(reader, strict: true);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or EndOfStreamException)
        {
            throw new InvalidDataException($"The saved weights do not fit the saved model configuration: {e.Message}", e);
        }
    }

    /// <summary>A copy of every parameter and buffer, detached from the module.</summary>
    public static Dictionary<string, Tensor> Snapshot(nn.Module module)
    {
        using var _ = no_grad();
        return module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
    }

    public static void Restore(nn.Module module, Dictionary<string, Tensor> snapshot)
    {
        using var _ = no_grad();
        module.load_state_dict(snapshot, strict: true);
    }

    public static void Dispose(Dictionary<string, Tensor> snapshot)
    {
        if (snapshot == null)
            return;
        foreach (var t in snapshot.Values)
            t.Dispose();
    }
}

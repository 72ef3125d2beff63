using static TorchSharp.torch;

namespace MLNetContextual.Torch.Import;

/// <summary>
/// Copies named weights into a module, nanoGPT's from_pretrained style: the key sets must be equal and every shape
/// must match; errors name the key and both shapes.
/// </summary>
internal static class StateDictLoader
{
    public static void Load(nn.Module module, IReadOnlyDictionary<string, WeightTensor> weights, string source)
    {
        var targets = module.state_dict();
        var missing = targets.Keys.Where(k => !weights.ContainsKey(k)).ToList();
        var unexpected = weights.Keys.Where(k => !targets.ContainsKey(k)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new InvalidDataException(
                $"{source} has {weights.Count} weights, the model expects {targets.Count}."
                + (missing.Count > 0 ? $" Missing: {string.Join(", ", missing.Take(10))}{(missing.Count > 10 ? ", ..." : "")}." : "")
                + (unexpected.Count > 0 ? $" Unexpected: {string.Join(", ", unexpected.Take(10))}{(unexpected.Count > 10 ? ", ..." : "")}." : ""));

        foreach (var (key, target) in targets)
        {
            var w = weights[key];
            if (!target.shape.SequenceEqual(w.Shape))
                throw new InvalidDataException(
                    $"Weight '{key}' in {source} has shape {w.ShapeText}, the model expects [{string.Join(", ", target.shape)}].");
            if (w.Data.LongLength != target.numel())
                throw new InvalidDataException($"Weight '{key}' in {source} holds {w.Data.LongLength} values; shape {w.ShapeText} needs {target.numel()}.");
        }

        using var noGrad = no_grad();
        foreach (var (key, target) in targets)
        {
            var w = weights[key];
            using var incoming = tensor(w.Data, w.Shape, dtype: float32);
            target.copy_(incoming);
        }
    }
}

using System.Globalization;

namespace MLNetContextual.Torch.Import;

/// <summary>
/// Checks shared by the weight readers (ONNX export, safetensors, PyTorch state dict): layer names, the config's
/// numbers, and the config against the weights' shapes, before a model is allocated from the config, so that a config
/// overstating a size cannot make a model larger than the weights that back it.
/// </summary>
internal static class WeightNames
{
    private const string LayerPrefix = "encoder.layer.";
    internal const int MaxLayers = 1000;

    /// <summary>Whether an "encoder.layer.N." name has an N from 0 to 999 (other names pass).</summary>
    public static bool IsWellFormed(string name) => !name.StartsWith(LayerPrefix, StringComparison.Ordinal) || LayerIndex(name) is not null;

    private static int? LayerIndex(string name)
    {
        var rest = name.AsSpan(LayerPrefix.Length);
        int dot = rest.IndexOf('.');
        if (dot <= 0) return null;
        return int.TryParse(rest[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out int i) && i < MaxLayers ? i : null;
    }

    /// <summary>Number of encoder layers the names describe; the indices must run 0..n-1.</summary>
    public static int LayerCount(IEnumerable<string> keys, string source)
    {
        var seen = new SortedSet<int>();
        foreach (var key in keys)
        {
            if (!key.StartsWith(LayerPrefix, StringComparison.Ordinal)) continue;
            seen.Add(LayerIndex(key) ?? throw new InvalidDataException(
                $"Weight '{key}' in '{source}': expected \"encoder.layer.N.…\" with N from 0 to {MaxLayers - 1}."));
        }
        if (seen.Count > 0 && seen.Max != seen.Count - 1)
            throw new InvalidDataException(
                $"'{source}' has weights for encoder layers {string.Join(", ", seen.Take(12))}{(seen.Count > 12 ? ", …" : "")}: expected layers 0 to {seen.Count - 1} without gaps.");
        return seen.Count;
    }

    /// <summary><see cref="BertConfig.Validate"/>, plus finite positive epsilon and dropouts in [0, 1), as a data error naming the source.</summary>
    public static BertConfig Validated(BertConfig config, string source)
    {
        try
        {
            config.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidDataException($"The BERT configuration of '{source}' is invalid: {e.Message.Split(" (Parameter")[0]}", e);
        }
        if (!(config.LayerNormEps > 0) || !double.IsFinite(config.LayerNormEps))
            throw new InvalidDataException($"The BERT configuration of '{source}' is invalid: layer_norm_eps is {config.LayerNormEps}; expected a finite positive number.");
        if (!(config.HiddenDropoutProb is >= 0 and < 1) || !(config.AttentionProbsDropoutProb is >= 0 and < 1))
            throw new InvalidDataException(
                $"The BERT configuration of '{source}' is invalid: dropouts {config.HiddenDropoutProb} and {config.AttentionProbsDropoutProb}; expected probabilities in [0, 1).");
        return config;
    }

    /// <summary>The config's sizes must be those of the weights (vocabulary, hidden, positions, segments, layers, intermediate).</summary>
    public static void CheckAgainstConfig(BertConfig config, IReadOnlyDictionary<string, WeightTensor> weights, string source)
    {
        void Shape(string key, params long[] expected)
        {
            if (!weights.TryGetValue(key, out var w))
                throw new InvalidDataException($"'{source}' has no weight '{key}'; expected one of shape [{string.Join(", ", expected)}] for this BERT configuration.");
            if (!w.Shape.SequenceEqual(expected))
                throw new InvalidDataException(
                    $"Weight '{key}' in '{source}' has shape {w.ShapeText}; the configuration (vocab_size {config.VocabSize}, hidden_size {config.HiddenSize}, "
                    + $"max_position_embeddings {config.MaxPositionEmbeddings}, type_vocab_size {config.TypeVocabSize}, intermediate_size {config.IntermediateSize}) expects [{string.Join(", ", expected)}].");
            if (w.Data.LongLength != w.Shape.Aggregate(1L, (a, d) => a * d))
                throw new InvalidDataException($"Weight '{key}' in '{source}' holds {w.Data.LongLength} values; its shape {w.ShapeText} needs {w.Shape.Aggregate(1L, (a, d) => a * d)}.");
        }
        Shape("embeddings.word_embeddings.weight", config.VocabSize, config.HiddenSize);
        Shape("embeddings.position_embeddings.weight", config.MaxPositionEmbeddings, config.HiddenSize);
        Shape("embeddings.token_type_embeddings.weight", config.TypeVocabSize, config.HiddenSize);
        int layers = LayerCount(weights.Keys, source);
        if (layers != config.NumHiddenLayers)
            throw new InvalidDataException(
                $"'{source}' has weights for {layers} encoder layers; the configuration says num_hidden_layers {config.NumHiddenLayers}"
                + (layers < config.NumHiddenLayers ? $": no weights for encoder.layer.{layers}." : $": weights for encoder.layer.{config.NumHiddenLayers}. are extra."));
        for (int i = 0; i < layers; i++)
            Shape($"encoder.layer.{i}.intermediate.dense.weight", config.IntermediateSize, config.HiddenSize);
    }

    /// <summary>Every value of every weight is finite.</summary>
    public static void CheckFinite(IReadOnlyDictionary<string, WeightTensor> weights, string source)
    {
        foreach (var (key, w) in weights)
            for (long i = 0; i < w.Data.LongLength; i++)
                if (!float.IsFinite(w.Data[i]))
                    throw new InvalidDataException($"Weight '{key}' in '{source}': value {i} is {w.Data[i].ToString(CultureInfo.InvariantCulture)}; expected finite weights.");
    }
}

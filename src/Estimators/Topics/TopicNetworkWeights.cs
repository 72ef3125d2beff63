using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>
/// The trained weights of a <see cref="ProdLdaNetwork"/> as plain arrays, and the inference network's forward pass
/// (eval mode: no dropout, batch normalisation with its running statistics) in managed code. Computed one document at
/// a time in a fixed order, it gives bit-identical results in a batch, alone and after a reload, and predicting needs
/// no libtorch.
/// </summary>
internal sealed class TopicNetworkWeights
{
    private const int Magic = 0x5450434D;   // "MCPT"
    private const float BatchNormEps = 1e-5f;

    private readonly Dictionary<string, (int[] Shape, float[] Values)> _tensors;
    private readonly TopicModelConfig _config;
    private readonly Layer _adapt, _input, _mu, _sigma;
    private readonly Layer[] _hiddens;
    private readonly float[] _muMean, _muVar, _sigmaMean, _sigmaVar;

    private TopicNetworkWeights(TopicModelConfig config, Dictionary<string, (int[] Shape, float[] Values)> tensors)
    {
        _config = config;
        _tensors = tensors;
        int v = config.VocabularySize, d = config.EmbeddingSize, k = config.Topics;
        bool combined = config.Variant == ContextualTopicModelVariant.Combined;
        if (combined)
            _adapt = Linear("inf_net.adapt_bert", d, v);
        _input = Linear("inf_net.input_layer", combined ? 2 * v : d, config.HiddenSizes[0]);
        _hiddens = new Layer[config.HiddenSizes.Length - 1];
        for (int i = 1; i < config.HiddenSizes.Length; i++)
            _hiddens[i - 1] = Linear($"inf_net.hiddens.{i - 1}", config.HiddenSizes[i - 1], config.HiddenSizes[i]);
        _mu = Linear("inf_net.f_mu", config.HiddenSizes[^1], k);
        _sigma = Linear("inf_net.f_sigma", config.HiddenSizes[^1], k);
        _muMean = Get("inf_net.f_mu_batchnorm.running_mean", k);
        _muVar = Get("inf_net.f_mu_batchnorm.running_var", k);
        _sigmaMean = Get("inf_net.f_sigma_batchnorm.running_mean", k);
        _sigmaVar = Get("inf_net.f_sigma_batchnorm.running_var", k);
        Beta = Get("beta", k * v);
    }

    /// <summary>The topic-word weights β, (K, V) row-major.</summary>
    public float[] Beta { get; }

    private sealed record Layer(float[] Weight, float[] Bias, int In, int Out);

    private Layer Linear(string name, int inputs, int outputs) =>
        new(Get(name + ".weight", inputs * outputs), Get(name + ".bias", outputs), inputs, outputs);

    private float[] Get(string name, int length)
    {
        if (!_tensors.TryGetValue(name, out var t))
            throw new InvalidDataException($"The saved topic model lacks the weight '{name}'; the zip is corrupt.");
        if (t.Values.Length != length)
            throw new InvalidDataException($"The saved topic model's weight '{name}' has {t.Values.Length} values; its configuration needs {length}.");
        return t.Values;
    }

    /// <summary>Copies every parameter and buffer of a trained network.</summary>
    public static TopicNetworkWeights From(TopicModelConfig config, ProdLdaNetwork network)
    {
        var tensors = new Dictionary<string, (int[], float[])>(StringComparer.Ordinal);
        using (no_grad())
        {
            foreach (var (name, tensor) in network.state_dict())
            {
                if (tensor.dtype != ScalarType.Float32)
                    continue;   // BatchNorm's num_batches_tracked (int64) is not needed to predict
                using var t = tensor.detach().contiguous().cpu();
                tensors[name] = (t.shape.Select(s => (int)s).ToArray(), t.data<float>().ToArray());
            }
        }
        return new TopicNetworkWeights(config, tensors);
    }

    /// <summary>μ and log σ² of one document, each of length K.</summary>
    public (float[] Mu, float[] LogVar) Posterior(BagOfWords bow, ReadOnlySpan<float> embedding)
    {
        int v = _config.VocabularySize;
        var h = new float[_input.Out];
        if (_adapt != null)
        {
            var adapted = Apply(_adapt, embedding);           // (V)
            for (int o = 0; o < h.Length; o++)
            {
                var row = _input.Weight.AsSpan(o * _input.In, _input.In);
                float sum = 0;
                for (int j = 0; j < bow.Ids.Length; j++)
                    sum += row[bow.Ids[j]] * bow.Counts[j];
                h[o] = sum + TensorPrimitives.Dot(row[v..], adapted) + _input.Bias[o];
            }
        }
        else
        {
            h = Apply(_input, embedding);
        }
        Activate(h);
        foreach (var layer in _hiddens)
        {
            h = Apply(layer, h);
            Activate(h);
        }
        var mu = Apply(_mu, h);
        var logVar = Apply(_sigma, h);
        Normalise(mu, _muMean, _muVar);
        Normalise(logVar, _sigmaMean, _sigmaVar);
        return (mu, logVar);
    }

    private static float[] Apply(Layer l, ReadOnlySpan<float> x)
    {
        var y = new float[l.Out];
        for (int o = 0; o < l.Out; o++)
            y[o] = TensorPrimitives.Dot(l.Weight.AsSpan(o * l.In, l.In), x) + l.Bias[o];
        return y;
    }

    private void Activate(float[] x)
    {
        if (_config.Activation == TopicNetworkActivation.ReLU)
        {
            for (int i = 0; i < x.Length; i++) x[i] = Math.Max(0f, x[i]);
            return;
        }
        for (int i = 0; i < x.Length; i++)   // softplus, as torch computes it (linear above threshold 20)
            x[i] = x[i] > 20f ? x[i] : MathF.Log(1f + MathF.Exp(x[i]));
    }

    private static void Normalise(float[] x, float[] mean, float[] var)
    {
        for (int i = 0; i < x.Length; i++)
            x[i] = (x[i] - mean[i]) / MathF.Sqrt(var[i] + BatchNormEps);
    }

    public void Write(BinaryWriter w)
    {
        w.Write(Magic);
        w.Write(_tensors.Count);
        foreach (var (name, (shape, values)) in _tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.Write(name);
            w.Write(shape.Length);
            foreach (int s in shape) w.Write(s);
            w.Write(values.Length);
            w.Write(MemoryMarshal.AsBytes(values.AsSpan()));   // little-endian float32
        }
    }

    public static TopicNetworkWeights Read(TopicModelConfig config, BinaryReader r)
    {
        if (r.ReadInt32() != Magic)
            throw new InvalidDataException("The saved topic model's weights entry is not a weight table; the zip is corrupt.");
        int count = r.ReadInt32();
        var tensors = new Dictionary<string, (int[], float[])>(count, StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string name = r.ReadString();
            var shape = new int[r.ReadInt32()];
            for (int s = 0; s < shape.Length; s++) shape[s] = r.ReadInt32();
            var values = new float[r.ReadInt32()];
            var bytes = MemoryMarshal.AsBytes(values.AsSpan());
            while (!bytes.IsEmpty)
            {
                int n = r.Read(bytes);
                if (n == 0) throw new InvalidDataException($"The saved topic model's weight '{name}' is truncated.");
                bytes = bytes[n..];
            }
            tensors[name] = (shape, values);
        }
        return new TopicNetworkWeights(config, tensors);
    }
}

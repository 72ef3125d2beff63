using PureHDF;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>
/// bilm-tf's weight file (<c>lm_weights.hdf5</c>, as <c>dump_weights</c> writes it and AllenNLP reads it) ↔ an
/// <see cref="ElmoBiLm"/>. TensorFlow layouts: dense kernels are [in, out] (transposed here), convolutions
/// [1, width, E, filters], LSTM kernels <c>W_0</c> [in + P, 4H] over [x; m_prev] with gates i, j, f, o, the bias <c>B</c>
/// without the forget bias of 1 TensorFlow adds at run time, the projection <c>W_P_0</c> [H, P]. <c>char_embed</c> has
/// no row for the padding id 0 (261 rows). The softmax is not in the file (bilm-tf does not dump it).
/// </summary>
internal static class ElmoWeights
{
    private const string Lstm = "RNN_{0}/RNN/MultiRNNCell/Cell{1}/LSTMCell/";

    /// <summary>Reads the weights into a new model of shape <paramref name="config"/>; throws naming a missing dataset,
    /// or a dataset whose shape is not what <c>options.json</c> implies (both shapes).</summary>
    public static ElmoBiLm Read(Stream hdf5, ElmoConfig config, string fileName)
    {
        var model = new ElmoBiLm(config);
        try
        {
            using var file = H5File.Open(hdf5, leaveOpen: true);
            var r = new Reader(file, fileName);
            using (no_grad())
            {
                var cnn = model.CharCnn;
                int e = config.CharEmbeddingDim, n = config.FilterCount, p = config.ProjectionDim, h = config.LstmDim;
                var embed = r.Read("char_embed", config.CharacterCount - 1, e);
                cnn.CharEmbed.weight[0].zero_();
                cnn.CharEmbed.weight[TensorIndex.Slice(1, null)].copy_(tensor(embed, [config.CharacterCount - 1, e]));
                for (int i = 0; i < config.Filters.Length; i++)
                {
                    int w = config.Filters[i][0], num = config.Filters[i][1];
                    var k = tensor(r.Read($"CNN/W_cnn_{i}", 1, w, e, num), [1, w, e, num]);
                    cnn.Convolutions[i].weight.copy_(k[0].permute(2, 1, 0));           // [num, E, width]
                    cnn.Convolutions[i].bias.copy_(tensor(r.Read($"CNN/b_cnn_{i}", num)));
                }
                for (int i = 0; i < config.HighwayLayers; i++)
                {
                    var hw = cnn.Highways[i];
                    hw.Carry.weight.copy_(tensor(r.Read($"CNN_high_{i}/W_carry", n, n), [n, n]).t());
                    hw.Carry.bias.copy_(tensor(r.Read($"CNN_high_{i}/b_carry", n)));
                    hw.Transform.weight.copy_(tensor(r.Read($"CNN_high_{i}/W_transform", n, n), [n, n]).t());
                    hw.Transform.bias.copy_(tensor(r.Read($"CNN_high_{i}/b_transform", n)));
                }
                if (cnn.Projection != null)
                {
                    cnn.Projection.weight.copy_(tensor(r.Read("CNN_proj/W_proj", n, p), [n, p]).t());
                    cnn.Projection.bias.copy_(tensor(r.Read("CNN_proj/b_proj", p)));
                }
                for (int d = 0; d < 2; d++)
                    for (int l = 0; l < config.LstmLayers; l++)
                    {
                        var layer = (d == 0 ? model.ForwardLayers : model.BackwardLayers)[l];
                        string prefix = string.Format(Lstm, d, l);
                        int input = p, state = layer.OutputSize;
                        var w0 = tensor(r.Read(prefix + "W_0", input + state, 4 * h), [input + state, 4 * h]);
                        layer.InputLinear.weight.copy_(w0[TensorIndex.Slice(0, input)].t());
                        layer.StateLinear.weight.copy_(w0[TensorIndex.Slice(input, null)].t());
                        var bias = tensor(r.Read(prefix + "B", 4 * h));
                        bias[TensorIndex.Slice(2 * h, 3 * h)].add_(1.0);                // TensorFlow's forget_bias
                        layer.StateLinear.bias.copy_(bias);
                        if (layer.StateProjection != null)
                            layer.StateProjection.weight.copy_(tensor(r.Read(prefix + "W_P_0", h, p), [h, p]).t());
                    }
            }
            model.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Writes <paramref name="model"/>'s weights in bilm-tf's layout.</summary>
    public static void Write(ElmoBiLm model, Stream hdf5)
    {
        var config = model.Config;
        int h = config.LstmDim;
        var file = new H5File();
        using (no_grad())
        {
            var cnn = model.CharCnn;
            file["char_embed"] = Dataset(cnn.CharEmbed.weight[TensorIndex.Slice(1, null)]);
            var cnnGroup = new H5Group();
            for (int i = 0; i < cnn.Convolutions.Count; i++)
            {
                cnnGroup[$"W_cnn_{i}"] = Dataset(cnn.Convolutions[i].weight.permute(2, 1, 0).unsqueeze(0));   // [1, w, E, num]
                cnnGroup[$"b_cnn_{i}"] = Dataset(cnn.Convolutions[i].bias);
            }
            file["CNN"] = cnnGroup;
            for (int i = 0; i < cnn.Highways.Count; i++)
                file[$"CNN_high_{i}"] = new H5Group
                {
                    ["W_carry"] = Dataset(cnn.Highways[i].Carry.weight.t()),
                    ["b_carry"] = Dataset(cnn.Highways[i].Carry.bias),
                    ["W_transform"] = Dataset(cnn.Highways[i].Transform.weight.t()),
                    ["b_transform"] = Dataset(cnn.Highways[i].Transform.bias),
                };
            if (cnn.Projection != null)
                file["CNN_proj"] = new H5Group
                {
                    ["W_proj"] = Dataset(cnn.Projection.weight.t()),
                    ["b_proj"] = Dataset(cnn.Projection.bias),
                };
            for (int d = 0; d < 2; d++)
            {
                var cells = new H5Group();
                for (int l = 0; l < config.LstmLayers; l++)
                {
                    var layer = (d == 0 ? model.ForwardLayers : model.BackwardLayers)[l];
                    var bias = layer.StateLinear.bias.clone();
                    bias[TensorIndex.Slice(2 * h, 3 * h)].sub_(1.0);
                    var lstm = new H5Group
                    {
                        ["W_0"] = Dataset(cat([layer.InputLinear.weight.t(), layer.StateLinear.weight.t()], 0)),
                        ["B"] = Dataset(bias),
                    };
                    if (layer.StateProjection != null)
                        lstm["W_P_0"] = Dataset(layer.StateProjection.weight.t());
                    cells[$"Cell{l}"] = new H5Group { ["LSTMCell"] = lstm };
                }
                file[$"RNN_{d}"] = new H5Group { ["RNN"] = new H5Group { ["MultiRNNCell"] = cells } };
            }
            file.Write(hdf5);
        }
    }

    private static H5Dataset Dataset(Tensor t)
    {
        var c = t.detach().contiguous().to(ScalarType.Float32);
        return new H5Dataset(c.data<float>().ToArray(), fileDims: c.shape.Select(s => (ulong)s).ToArray());
    }

    private sealed class Reader(IH5Group file, string fileName)
    {
        public float[] Read(string name, params long[] shape)
        {
            if (!Exists(name))
                throw new InvalidDataException(
                    $"{fileName} lacks the dataset '{name}' (shape [{string.Join(", ", shape)}] expected from options.json); it is not a bilm-tf weight file for this options.json.");
            var dataset = file.Dataset(name);
            var dims = dataset.Space.Dimensions;
            if (dims.Length != shape.Length || dims.Where((d, i) => (long)d != shape[i]).Any())
                throw new InvalidDataException(
                    $"Dataset '{name}' in {fileName} has shape [{string.Join(", ", dims)}]; options.json implies [{string.Join(", ", shape)}]. The weights do not match options.json.");
            return dataset.Read<float[]>();
        }

        private bool Exists(string path)
        {
            IH5Group group = file;
            var parts = path.Split('/');
            for (int i = 0; i < parts.Length; i++)
            {
                if (!group.LinkExists(parts[i]))
                    return false;
                if (i < parts.Length - 1)
                {
                    if (group.Get(parts[i]) is not IH5Group g)
                        return false;
                    group = g;
                }
            }
            return true;
        }
    }
}

using MLNetContextual.Torch.Import;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNetContextual.Tests.Torch;

public class BertModelTests
{
    // transformers' test_modeling_bert.py tiny config
    internal static readonly BertConfig Tiny = new()
    {
        VocabSize = 99, HiddenSize = 32, NumHiddenLayers = 2, NumAttentionHeads = 4, IntermediateSize = 37,
        MaxPositionEmbeddings = 512, TypeVocabSize = 16,
    };

    private static (Tensor Ids, Tensor Mask, Tensor Types) RandomBatch(BertConfig config, int batch, int tokens, int seed)
    {
        var g = new Generator((ulong)seed);
        var ids = randint(config.VocabSize, [batch, tokens], generator: g, dtype: int64);
        var mask = ones(batch, tokens, dtype: int64);
        mask[1, TensorIndex.Slice(tokens - 3)] = tensor(0L);   // second row padded
        var types = zeros(batch, tokens, dtype: int64);
        types[TensorIndex.Colon, TensorIndex.Slice(tokens / 2)] = tensor(1L);
        return (ids, mask, types);
    }

    [Fact]
    public void TinyConfig_OutputShapesAndKeys()
    {
        using var model = new BertModel(Tiny);
        model.eval();
        var (ids, mask, types) = RandomBatch(Tiny, 3, 7, 1);
        var (last, pooled) = model.call(ids, mask, types);
        Assert.Equal([3L, 7, 32], last.shape);
        Assert.Equal([3L, 32], pooled.shape);
        Assert.Equal(DeviceType.CPU, last.device_type);

        var keys = model.state_dict().Keys.ToHashSet();
        Assert.Equal(5 + 16 * 2 + 2, keys.Count);
        Assert.Contains("embeddings.word_embeddings.weight", keys);
        Assert.Contains("embeddings.LayerNorm.weight", keys);
        Assert.Contains("encoder.layer.1.attention.self.query.weight", keys);
        Assert.Contains("encoder.layer.0.attention.output.LayerNorm.bias", keys);
        Assert.Contains("encoder.layer.0.intermediate.dense.weight", keys);
        Assert.Contains("encoder.layer.1.output.dense.bias", keys);
        Assert.Contains("pooler.dense.weight", keys);

        // Defaults: no mask means all real, no token types means segment 0.
        var (all, _) = model.call(ids, null, null);
        Assert.Equal([3L, 7, 32], all.shape);
    }

    [Fact]
    public void Safetensors_RoundTrip_GivesTheSameOutputs()
    {
        string dir = Directory.CreateTempSubdirectory("mlnc-bert-").FullName;
        try
        {
            using var model = new BertModel(Tiny);
            model.eval();
            BertWeights.SaveHuggingFace(model, dir);
            using var loaded = BertWeights.FromHuggingFace(dir);
            Assert.Equal(Tiny, loaded.Config with { });

            var (ids, mask, types) = RandomBatch(Tiny, 2, 9, 2);
            using var _ = no_grad();
            var (a, pa) = model.call(ids, mask, types);
            var (b, pb) = loaded.call(ids, mask, types);
            Assert.Equal(0.0, (a - b).abs().max().item<float>(), 6);
            Assert.Equal(0.0, (pa - pb).abs().max().item<float>(), 6);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void HuggingFace_TaskCheckpoint_WithBertPrefixAndGammaBeta_Loads()
    {
        string dir = Directory.CreateTempSubdirectory("mlnc-bert-").FullName;
        try
        {
            using var model = new BertModel(Tiny);
            model.eval();
            BertWeights.SaveHuggingFace(model, dir);
            string file = Path.Combine(dir, HuggingFaceCheckpoint.SafetensorsFile);
            var renamed = Safetensors.Read(file).ToDictionary(
                kv => "bert." + kv.Key.Replace("LayerNorm.weight", "LayerNorm.gamma").Replace("LayerNorm.bias", "LayerNorm.beta"),
                kv => kv.Value);
            renamed["classifier.weight"] = new WeightTensor([3, 32], new float[96]);   // a task head: left out
            renamed["classifier.bias"] = new WeightTensor([3], new float[3]);
            Safetensors.Write(file, renamed);

            using var loaded = BertWeights.FromHuggingFace(dir);
            var (ids, mask, types) = RandomBatch(Tiny, 2, 5, 3);
            using var _ = no_grad();
            Assert.Equal(0.0, (model.call(ids, mask, types).LastHiddenState - loaded.call(ids, mask, types).LastHiddenState).abs().max().item<float>(), 6);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void HuggingFace_ShapeMismatch_NamesTheParameterAndBothShapes()
    {
        string dir = Directory.CreateTempSubdirectory("mlnc-bert-").FullName;
        try
        {
            using (var model = new BertModel(Tiny)) BertWeights.SaveHuggingFace(model, dir);
            File.WriteAllText(Path.Combine(dir, "config.json"), (Tiny with { IntermediateSize = 38 }).ToJson());
            var e = Assert.Throws<InvalidDataException>(() => BertWeights.FromHuggingFace(dir));
            Assert.Contains("'encoder.layer.0.intermediate.dense.", e.Message);
            Assert.Contains("[37", e.Message);
            Assert.Contains("[38", e.Message);

            File.WriteAllText(Path.Combine(dir, "config.json"), (Tiny with { NumHiddenLayers = 3 }).ToJson());
            var missing = Assert.Throws<InvalidDataException>(() => BertWeights.FromHuggingFace(dir));
            Assert.Contains("encoder.layer.2.", missing.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

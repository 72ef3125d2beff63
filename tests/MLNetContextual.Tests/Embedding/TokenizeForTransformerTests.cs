using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual.Tests;

public class TokenizeForTransformerTests
{
    public sealed class PairRow
    {
        public string Text { get; set; }
        public string Other { get; set; }
    }

    public sealed class IdsRow
    {
        [ColumnName("input_ids"), VectorType(12)] public long[] InputIds { get; set; }
        [ColumnName("attention_mask"), VectorType(12)] public long[] AttentionMask { get; set; }
        [ColumnName("token_type_ids"), VectorType(12)] public long[] TokenTypeIds { get; set; }
    }

    private static readonly PairRow[] Pairs =
    [
        new() { Text = "Where is the bank?", Other = "The bank is by the river." },
        new() { Text = null, Other = "" },
        new() { Text = "A very long question that will certainly not fit", Other = "and an answer that is long as well" },
    ];

    [Fact]
    public void Pairs_FitTransformSaveLoad()
    {
        var ml = new MLContext(seed: 1);
        var (model, path) = EstimatorChecks.RoundTrip<PairRow, IdsRow>(
            ml.Transforms.Text.TokenizeForTransformer("Text", "Other", new TokenizeForTransformerOptions { MaxTokens = 12 }), Pairs, ml: ml);
        File.Delete(path);
        var rows = ml.Data.CreateEnumerable<IdsRow>(model.Transform(ml.Data.LoadFromEnumerable(Pairs)), false).ToList();
        var t = BertTextTokenizer.MiniLM;
        Assert.Equal(t.ClsId, rows[0].InputIds[0]);
        Assert.Equal([t.ClsId, t.SepId, t.SepId, 0, 0, 0, 0, 0, 0, 0, 0, 0], rows[1].InputIds);
        Assert.Equal([1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0], rows[1].AttentionMask);
        Assert.Equal([0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0], rows[1].TokenTypeIds);
        Assert.All(rows[2].AttentionMask, m => Assert.Equal(1, m));                // truncated to exactly 12
        Assert.Equal(1, rows[2].TokenTypeIds[^1]);
    }

    public sealed class HiddenRow
    {
        [ColumnName("last_hidden_state")] public float[] Hidden { get; set; }
        [ColumnName("attention_mask")] public long[] Mask { get; set; }
    }

    [Fact]
    public void FeedsStockApplyOnnxModel_SameVectorsAsOurTransform()
    {
        using var dir = new TempFolder();
        string modelPath = dir.WriteMiniLM();
        var ml = new MLContext(seed: 1);
        var rows = ContextualEmbeddingTests.Rows;
        var data = ml.Data.LoadFromEnumerable(rows);
        const int maxTokens = 24;
        var stock = ml.Transforms.Text.TokenizeForTransformer("Text", options: new TokenizeForTransformerOptions { MaxTokens = maxTokens })
            .Append(ml.Transforms.ApplyOnnxModel(["last_hidden_state"], ["input_ids", "attention_mask", "token_type_ids"], modelPath,
                shapeDictionary: new Dictionary<string, int[]>
                {
                    ["input_ids"] = [1, maxTokens], ["attention_mask"] = [1, maxTokens], ["token_type_ids"] = [1, maxTokens],
                }, gpuDeviceId: null, fallbackToCpu: false, recursionLimit: 100))
            .Fit(data).Transform(data);
        var ours = ml.Transforms.Text.ApplyContextualEmbedding("Features", "Text", new ContextualEmbeddingOptions { MaxTokens = maxTokens })
            .Fit(data).Transform(data);

        var hidden = ml.Data.CreateEnumerable<HiddenRow>(stock, false).ToList();
        var pooled = ml.Data.CreateEnumerable<ContextualEmbeddingTests.FeaturesRow>(ours, false).ToList();
        for (int r = 0; r < rows.Length; r++)
        {
            int n = (int)hidden[r].Mask.Sum();
            for (int k = 0; k < 384; k++)
            {
                float mean = 0;
                for (int t = 0; t < n; t++)
                    mean += hidden[r].Hidden[t * 384 + k];
                Assert.Equal(mean / n, pooled[r].Features[k], 3);
            }
        }
    }
}

using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Onnx;

namespace MLNetContextual.Bench.Embedding;

/// <summary>What the mean pooling step reads.</summary>
public sealed class HiddenColumns
{
    public float[] last_hidden_state { get; set; }
    public long[] attention_mask { get; set; }
}

/// <summary>The pooled output.</summary>
public sealed class PooledColumn
{
    public float[] Features { get; set; }
}

/// <summary>
/// Reference (a): stock ML.NET. The library's <c>TokenizeForTransformer</c> (ids padded to one fixed length, since
/// ApplyOnnxModel needs fixed shapes), <c>ApplyOnnxModel</c> (Microsoft.ML.OnnxTransformer) on the same ONNX file
/// (the embedded bytes written to a temp file, deleted on Dispose), and mean pooling of <c>last_hidden_state</c> over the
/// attention mask in a second CustomMapping.
/// </summary>
internal sealed class StockOnnxPipeline : IDisposable
{
    private readonly string _modelPath;

    public StockOnnxPipeline(MLContext ml, byte[] model, IDataView fitData, int paddedLength, int intraOpThreads)
    {
        PaddedLength = paddedLength;
        _modelPath = Path.Combine(Path.GetTempPath(), $"mlnetctx-bench-{Environment.ProcessId}-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(_modelPath, model);

        int[] shape = [1, paddedLength];
        var onnx = new OnnxOptions
        {
            ModelFile = _modelPath,
            InputColumns = ["input_ids", "attention_mask", "token_type_ids"],
            OutputColumns = ["last_hidden_state"],
            ShapeDictionary = new Dictionary<string, int[]>
            {
                ["input_ids"] = shape,
                ["attention_mask"] = shape,
                ["token_type_ids"] = shape,
                ["last_hidden_state"] = [1, paddedLength, PlainOrtEmbedder.Dimension],
            },
            IntraOpNumThreads = intraOpThreads,
        };

        var pooledSchema = SchemaDefinition.Create(typeof(PooledColumn));
        pooledSchema[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, PlainOrtEmbedder.Dimension);
        Action<HiddenColumns, PooledColumn> pool = (src, dst) =>
        {
            int tokens = 0;
            foreach (long m in src.attention_mask)
                tokens += (int)m;                      // the mask is 1 on a prefix, 0 on the padding
            var pooled = new float[PlainOrtEmbedder.Dimension];
            PlainOrtEmbedder.MeanPool(src.last_hidden_state, tokens, pooled);
            dst.Features = pooled;
        };

        var pipeline = ml.Transforms.Text.TokenizeForTransformer("Text", options: new TokenizeForTransformerOptions { MaxTokens = paddedLength })
            .Append(ml.Transforms.ApplyOnnxModel(onnx))
            .Append(ml.Transforms.CustomMapping(pool, contractName: null, outputSchemaDefinition: pooledSchema));
        Model = pipeline.Fit(fitData);
    }

    /// <summary>The fixed sequence length every row is padded to.</summary>
    public int PaddedLength { get; }

    public ITransformer Model { get; }

    public void Dispose()
    {
        if (Model is IDisposable disposable)
            disposable.Dispose();                      // a TransformerChain disposes its OnnxTransformer
        else
            foreach (var t in (Model as IEnumerable<ITransformer>) ?? [])
                (t as IDisposable)?.Dispose();
        File.Delete(_modelPath);
    }
}

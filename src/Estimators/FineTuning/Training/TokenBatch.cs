using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>Rows of token ids padded to the batch's longest row, as int64 tensors (B, T).</summary>
internal sealed class TokenBatch : IDisposable
{
    private TokenBatch(Tensor ids, Tensor mask, Tensor types)
    {
        Ids = ids;
        Mask = mask;
        Types = types;
    }

    public Tensor Ids { get; }
    public Tensor Mask { get; }
    public Tensor Types { get; }

    public static TokenBatch Create(IReadOnlyList<int[]> ids, IReadOnlyList<int[]> typeIds, int padId)
    {
        var batch = EncodedBatch.Of(ids, typeIds, padId);
        long[] shape = [batch.Rows, batch.Width];
        return new TokenBatch(tensor(batch.InputIds, shape), tensor(batch.AttentionMask, shape), tensor(batch.TokenTypeIds, shape));
    }

    public void Dispose()
    {
        Ids.Dispose();
        Mask.Dispose();
        Types.Dispose();
    }
}

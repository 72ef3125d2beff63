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
        int rows = ids.Count, width = 1;
        foreach (var row in ids)
            width = Math.Max(width, row.Length);
        var idData = new long[rows * width];
        var maskData = new long[rows * width];
        var typeData = new long[rows * width];
        for (int r = 0; r < rows; r++)
        {
            int at = r * width;
            var row = ids[r];
            var types = typeIds[r];
            for (int i = 0; i < width; i++)
            {
                bool real = i < row.Length;
                idData[at + i] = real ? row[i] : padId;
                maskData[at + i] = real ? 1 : 0;
                typeData[at + i] = real ? types[i] : 0;
            }
        }
        long[] shape = [rows, width];
        return new TokenBatch(tensor(idData, shape), tensor(maskData, shape), tensor(typeData, shape));
    }

    public void Dispose()
    {
        Ids.Dispose();
        Mask.Dispose();
        Types.Dispose();
    }
}

namespace MLNetContextual.Torch.Import;

/// <summary>One named weight as read from a file, in PyTorch layout ([out, in] for dense layers), float32.</summary>
internal sealed record WeightTensor(long[] Shape, float[] Data)
{
    public string ShapeText => $"[{string.Join(", ", Shape)}]";

    /// <summary>[rows, cols] → [cols, rows].</summary>
    public WeightTensor Transpose2D()
    {
        if (Shape.Length != 2) throw new InvalidOperationException($"Cannot transpose a tensor of shape {ShapeText}.");
        int rows = (int)Shape[0], cols = (int)Shape[1];
        var t = new float[Data.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                t[c * rows + r] = Data[r * cols + c];
        return new WeightTensor([cols, rows], t);
    }
}

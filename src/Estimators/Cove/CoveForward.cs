using System.Numerics.Tensors;

namespace MLNetContextual;

/// <summary>
/// The MT-LSTM forward in plain managed code (no libtorch): per layer, each direction runs PyTorch's LSTM cell
/// i, f, g, o = σ, σ, tanh, σ of (W_ih x_t + b_ih + W_hh h_{t−1} + b_hh); c_t = f·c_{t−1} + i·g; h_t = o·tanh(c_t), from zero
/// states, the reverse direction from the last word to the first; the layer's output is [h_fwd; h_bwd] (2H) and feeds the
/// next layer. Matrix–vector products with <see cref="TensorPrimitives"/>. Stateless and thread-safe.
/// </summary>
internal sealed class CoveForward
{
    private readonly (float[] Wih, float[] Whh, float[] Bias)[,] _directions;   // [layer, 0 fwd / 1 bwd]

    public CoveForward(CoveWeights weights)
    {
        InputSize = weights.InputSize;
        HiddenSize = weights.HiddenSize;
        Layers = weights.Layers;
        _directions = new (float[], float[], float[])[Layers, 2];
        for (int l = 0; l < Layers; l++)
            for (int d = 0; d < 2; d++)
                _directions[l, d] = weights.Direction(l, d == 1);
    }

    public int InputSize { get; }
    public int HiddenSize { get; }
    public int Layers { get; }

    /// <summary>Runs the biLSTM over <paramref name="x"/> ([tokens × InputSize]) and writes layer l's [tokens × 2H] outputs
    /// to <paramref name="outputs"/>[l].</summary>
    public void Run(float[] x, int tokens, float[][] outputs) => Run([x], [tokens], [outputs]);

    /// <summary>
    /// Runs several texts together: <paramref name="x"/>[b] ([lengths[b] × InputSize]) → <paramref name="outputs"/>[b][l]
    /// ([lengths[b] × 2H]). Each weight row is read once per step for all texts (the products are those of a text run
    /// alone, in the same order, so a text's vectors do not depend on the others).
    /// </summary>
    public void Run(float[][] x, int[] lengths, float[][][] outputs)
    {
        int n = x.Length, h = HiddenSize, g = 4 * h;
        int longest = lengths.Length == 0 ? 0 : lengths.Max();
        var gates = new float[n][];
        var states = new float[n][];   // h, c per text
        for (int b = 0; b < n; b++)
        {
            gates[b] = new float[Math.Max(lengths[b], 1) * g];
            states[b] = new float[2 * h];
        }
        var step = new float[n * g];
        var inputs = (float[][])x.Clone();
        int inputSize = InputSize;
        for (int l = 0; l < Layers; l++)
        {
            for (int d = 0; d < 2; d++)
            {
                var (wih, whh, bias) = _directions[l, d];
                // W_ih x_t for every token of every text, row by row: each weight row is read once and stays in cache.
                for (int j = 0; j < g; j++)
                {
                    var row = wih.AsSpan(j * inputSize, inputSize);
                    for (int b = 0; b < n; b++)
                    {
                        var input = inputs[b];
                        var gb = gates[b];
                        for (int t = 0; t < lengths[b]; t++)
                            gb[t * g + j] = TensorPrimitives.Dot(row, input.AsSpan(t * inputSize, inputSize)) + bias[j];
                    }
                }
                foreach (var st in states)
                    Array.Clear(st);
                for (int s = 0; s < longest; s++)
                {
                    for (int b = 0; b < n; b++)
                        if (s < lengths[b])
                        {
                            int t = d == 0 ? s : lengths[b] - 1 - s;
                            gates[b].AsSpan(t * g, g).CopyTo(step.AsSpan(b * g, g));
                        }
                    if (s > 0)
                        for (int j = 0; j < g; j++)
                        {
                            var row = whh.AsSpan(j * h, h);
                            for (int b = 0; b < n; b++)
                                if (s < lengths[b])
                                    step[b * g + j] += TensorPrimitives.Dot(row, states[b].AsSpan(0, h));
                        }
                    for (int b = 0; b < n; b++)
                    {
                        if (s >= lengths[b])
                            continue;
                        int t = d == 0 ? s : lengths[b] - 1 - s;
                        var hPrev = states[b].AsSpan(0, h);
                        var c = states[b].AsSpan(h, h);
                        var i = step.AsSpan(b * g, h);
                        var f = step.AsSpan(b * g + h, h);
                        var gg = step.AsSpan(b * g + 2 * h, h);
                        var o = step.AsSpan(b * g + 3 * h, h);
                        TensorPrimitives.Sigmoid(i, i);
                        TensorPrimitives.Sigmoid(f, f);
                        TensorPrimitives.Tanh(gg, gg);
                        TensorPrimitives.Sigmoid(o, o);
                        TensorPrimitives.Multiply(f, c, c);
                        TensorPrimitives.MultiplyAdd(i, gg, c, c);
                        TensorPrimitives.Tanh(c, hPrev);
                        TensorPrimitives.Multiply(o, hPrev, hPrev);
                        hPrev.CopyTo(outputs[b][l].AsSpan(t * 2 * h + d * h, h));
                    }
                }
            }
            for (int b = 0; b < n; b++)
                inputs[b] = outputs[b][l];
            inputSize = 2 * h;
        }
    }
}

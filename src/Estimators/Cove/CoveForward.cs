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
    public void Run(ReadOnlySpan<float> x, int tokens, float[][] outputs)
    {
        int h = HiddenSize, g = 4 * h;
        var gates = new float[Math.Max(tokens, 1) * g];
        var state = new float[2 * h];   // h, c
        var step = new float[g];
        ReadOnlySpan<float> input = x;
        int inputSize = InputSize;
        for (int l = 0; l < Layers; l++)
        {
            var output = outputs[l];
            for (int d = 0; d < 2; d++)
            {
                var (wih, whh, bias) = _directions[l, d];
                // W_ih x_t for every t, row by row: each weight row is read once per text and stays in cache.
                for (int j = 0; j < g; j++)
                {
                    var row = wih.AsSpan(j * inputSize, inputSize);
                    for (int t = 0; t < tokens; t++)
                        gates[t * g + j] = TensorPrimitives.Dot(row, input.Slice(t * inputSize, inputSize)) + bias[j];
                }
                Array.Clear(state);
                var hPrev = state.AsSpan(0, h);
                var c = state.AsSpan(h, h);
                for (int s = 0; s < tokens; s++)
                {
                    int t = d == 0 ? s : tokens - 1 - s;
                    gates.AsSpan(t * g, g).CopyTo(step);
                    if (s > 0)
                        for (int j = 0; j < g; j++)
                            step[j] += TensorPrimitives.Dot(whh.AsSpan(j * h, h), hPrev);
                    var i = step.AsSpan(0, h);
                    var f = step.AsSpan(h, h);
                    var gg = step.AsSpan(2 * h, h);
                    var o = step.AsSpan(3 * h, h);
                    TensorPrimitives.Sigmoid(i, i);
                    TensorPrimitives.Sigmoid(f, f);
                    TensorPrimitives.Tanh(gg, gg);
                    TensorPrimitives.Sigmoid(o, o);
                    TensorPrimitives.Multiply(f, c, c);
                    TensorPrimitives.MultiplyAdd(i, gg, c, c);
                    TensorPrimitives.Tanh(c, hPrev);
                    TensorPrimitives.Multiply(o, hPrev, hPrev);
                    hPrev.CopyTo(output.AsSpan(t * 2 * h + d * h, h));
                }
            }
            input = output.AsSpan(0, tokens * 2 * h);
            inputSize = 2 * h;
        }
    }
}

using System.Numerics.Tensors;

namespace MLNetContextual;

/// <summary>
/// context2vec's forward pass in plain managed code (<see cref="TensorPrimitives"/>), from <see cref="Context2VecWeights"/>:
/// the two LSTMs step by step (PyTorch's gate order i, f, g, o; gates = W_ih x + b_ih + W_hh h + b_hh), then the MLP per
/// slot. Gives what <see cref="Context2VecModule"/> gives (tests check ≤ 1e-5), so applying a model needs no libtorch.
/// Stateless and read-only: safe from several threads.
/// </summary>
internal sealed class Context2VecForward
{
    private readonly int _e, _h, _m, _d;
    private readonly float[] _l2rEmbed, _r2lEmbed, _l3w, _l3b, _l4w, _l4b;
    private readonly (float[] Wih, float[] Whh, float[] Bias) _l2r, _r2l;

    public Context2VecForward(Context2VecConfig config, StateTensors w)
    {
        (_e, _h, _m, _d) = (config.WordEmbeddingDim, config.LstmHiddenDim, config.MlpHiddenDim, config.ContextDim);
        _l2rEmbed = w["l2r_embed.weight"];
        _r2lEmbed = w["r2l_embed.weight"];
        _l2r = Lstm(w, "l2r_1");
        _r2l = Lstm(w, "r2l_1");
        (_l3w, _l3b, _l4w, _l4b) = (w["l3.weight"], w["l3.bias"], w["l4.weight"], w["l4.bias"]);
    }

    private static (float[], float[], float[]) Lstm(StateTensors w, string name)
    {
        var bias = w[name + ".bias_ih_l0"].ToArray();
        TensorPrimitives.Add(bias, w[name + ".bias_hh_l0"], bias);
        return (w[name + ".weight_ih_l0"], w[name + ".weight_hh_l0"], bias);
    }

    public int Dimension => _d;

    /// <summary>The context vectors of every slot of a text of words <paramref name="ids"/> (vocabulary ids, no
    /// specials): [(n + 2) × D], slot 0 &lt;BOS&gt; (a word inserted before the first), 1…n the words, n + 1 &lt;EOS&gt;.</summary>
    public float[] Contexts(ReadOnlySpan<int> ids)
    {
        int n = ids.Length;
        var l2rIn = new int[n + 1];
        var r2lIn = new int[n + 1];
        (l2rIn[0], r2lIn[0]) = (Context2VecVocabulary.BosId, Context2VecVocabulary.EosId);
        for (int i = 0; i < n; i++)
        {
            l2rIn[i + 1] = ids[i];
            r2lIn[i + 1] = ids[n - 1 - i];
        }
        var left = Run(_l2rEmbed, _l2r, l2rIn);     // [(n + 1) × H]: after <BOS>, w_1, …, w_n
        var right = Run(_r2lEmbed, _r2l, r2lIn);    // [(n + 1) × H]: after <EOS>, w_n, …, w_1
        var result = new float[(n + 2) * _d];
        var x = new float[2 * _h];
        var hidden = new float[_m];
        for (int s = 0; s < n + 2; s++)
        {
            left.AsSpan(Math.Clamp(s - 1, 0, n) * _h, _h).CopyTo(x);
            right.AsSpan(Math.Clamp(n - s, 0, n) * _h, _h).CopyTo(x.AsSpan(_h));
            Affine(_l3w, _l3b, x, hidden);
            TensorPrimitives.Max(hidden, 0f, hidden);
            Affine(_l4w, _l4b, hidden, result.AsSpan(s * _d, _d));
        }
        return result;
    }

    private float[] Run(float[] embed, (float[] Wih, float[] Whh, float[] Bias) lstm, int[] inputs)
    {
        int h = _h, e = _e;
        var output = new float[inputs.Length * h];
        var state = new float[h];
        var cell = new float[h];
        var gates = new float[4 * h];
        var tmp = new float[h];
        ReadOnlySpan<float> wih = lstm.Wih, whh = lstm.Whh;
        for (int t = 0; t < inputs.Length; t++)
        {
            var x = embed.AsSpan(inputs[t] * e, e);
            for (int j = 0; j < 4 * h; j++)
                gates[j] = TensorPrimitives.Dot(wih.Slice(j * e, e), x) + TensorPrimitives.Dot(whh.Slice(j * h, h), state) + lstm.Bias[j];
            var i = gates.AsSpan(0, h);
            var f = gates.AsSpan(h, h);
            var g = gates.AsSpan(2 * h, h);
            var o = gates.AsSpan(3 * h, h);
            TensorPrimitives.Sigmoid(i, i);
            TensorPrimitives.Sigmoid(f, f);
            TensorPrimitives.Tanh(g, g);
            TensorPrimitives.Sigmoid(o, o);
            TensorPrimitives.Multiply(f, cell, cell);
            TensorPrimitives.Multiply(i, g, tmp);
            TensorPrimitives.Add(cell, tmp, cell);
            TensorPrimitives.Tanh(cell, tmp);
            TensorPrimitives.Multiply(o, tmp, state);
            state.CopyTo(output.AsSpan(t * h, h));
        }
        return output;
    }

    private static void Affine(float[] w, float[] b, ReadOnlySpan<float> x, Span<float> y)
    {
        int inputs = x.Length;
        for (int j = 0; j < y.Length; j++)
            y[j] = TensorPrimitives.Dot(w.AsSpan(j * inputs, inputs), x) + b[j];
    }
}

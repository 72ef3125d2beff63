using System.Numerics.Tensors;

namespace MLNetContextual;

/// <summary>
/// The Cross-View Training tagger's forward pass in plain managed code (<see cref="TensorPrimitives"/>), from
/// <see cref="CrossViewWeights"/>: word embeddings and the character CNN (each width's filters over every window of the
/// <see cref="CrossViewConfig.MaxWordLength"/> padded characters, ReLU, max), both biLSTMs through
/// <see cref="CoveForward"/> (the same PyTorch LSTM cell, one layer each: the two layers differ in size and the first
/// layer's directions are needed apart), then the primary module. Gives what <see cref="CrossViewModule"/> gives in
/// eval mode (tests check ≤ 1e-5), so tagging and the encoder need no libtorch. Stateless: safe from several threads.
/// </summary>
internal sealed class CrossViewForward
{
    private readonly CrossViewConfig _c;
    private readonly float[] _words, _chars;
    private readonly (float[] W, float[] B, int Width)[] _convs;   // W as [filter][k][e], so a window is one contiguous span
    private readonly CoveForward _first, _second;
    private readonly float[] _hw, _hb, _ow, _ob;
    private readonly int _tags;

    public CrossViewForward(CrossViewConfig config, StateTensors w, int tags)
    {
        _c = config;
        _tags = tags;
        _words = w["word_embed.weight"];
        _chars = w["char_embed.weight"];
        int ce = config.CharEmbeddingDim, f = config.CharFilters;
        _convs = new (float[], float[], int)[config.CharFilterWidths.Length];
        for (int i = 0; i < _convs.Length; i++)
        {
            int width = config.CharFilterWidths[i];
            var src = w[$"char_convs.{i}.weight"];                     // [F, Ce, width]
            var dst = new float[src.Length];
            for (int o = 0; o < f; o++)
                for (int e = 0; e < ce; e++)
                    for (int k = 0; k < width; k++)
                        dst[(o * width + k) * ce + e] = src[(o * ce + e) * width + k];
            _convs[i] = (dst, w[$"char_convs.{i}.bias"], width);
        }
        _first = Lstm(w, "l1", config.TokenDim, config.FirstLayerDim);
        _second = Lstm(w, "l2", 2 * config.FirstLayerDim, config.SecondLayerDim);
        (_hw, _hb, _ow, _ob) = (w["primary.hidden.weight"], w["primary.hidden.bias"], w["primary.output.weight"], w["primary.output.bias"]);
    }

    private static CoveForward Lstm(StateTensors w, string layer, int input, int hidden)
    {
        var arrays = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var (dir, suffix) in new[] { ("fw", ""), ("bw", "_reverse") })
            foreach (var name in new[] { "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0" })
                arrays[name + suffix] = w[$"{layer}_{dir}.{name}"];
        return new CoveForward(CoveWeights.FromArrays(arrays, input, hidden, 1, $"Cross-View Training layer {layer}"));
    }

    /// <summary>Values per token of <see cref="States"/>.</summary>
    public int StateDim => _c.StateDim;

    /// <summary>[h1→; h1←; h2→; h2←] for every token of each sentence ([tokens × StateDim], specials included).</summary>
    public float[][] States(IReadOnlyList<CrossViewSentence> sentences)
    {
        int n = sentences.Count, d = _c.TokenDim, h1 = _c.FirstLayerDim, h2 = _c.SecondLayerDim;
        var x = new float[n][];
        var lengths = new int[n];
        for (int b = 0; b < n; b++)
            x[b] = TokenReprs(sentences[b], out lengths[b]);
        var first = new float[n][][];
        for (int b = 0; b < n; b++)
            first[b] = [new float[lengths[b] * 2 * h1]];
        _first.Run(x, lengths, first);
        var second = new float[n][][];
        for (int b = 0; b < n; b++)
            second[b] = [new float[lengths[b] * 2 * h2]];
        _second.Run(first.Select(f => f[0]).ToArray(), lengths, second);
        var result = new float[n][];
        int s = StateDim;
        for (int b = 0; b < n; b++)
        {
            var states = result[b] = new float[lengths[b] * s];
            for (int t = 0; t < lengths[b]; t++)
            {
                first[b][0].AsSpan(t * 2 * h1, 2 * h1).CopyTo(states.AsSpan(t * s));
                second[b][0].AsSpan(t * 2 * h2, 2 * h2).CopyTo(states.AsSpan(t * s + 2 * h1));
            }
        }
        return result;
    }

    /// <summary>The primary module's tag probabilities of each word (not the specials): [words × tags].</summary>
    public float[] Probabilities(ReadOnlySpan<float> states, int tokens)
    {
        int s = StateDim, p = _c.PredictionHiddenDim, words = tokens - 2;
        var result = new float[Math.Max(0, words) * _tags];
        var hidden = new float[p];
        for (int i = 0; i < words; i++)
        {
            Affine(_hw, _hb, states.Slice((i + 1) * s, s), hidden);
            TensorPrimitives.Max(hidden, 0f, hidden);
            var logits = result.AsSpan(i * _tags, _tags);
            Affine(_ow, _ob, hidden, logits);
            TensorPrimitives.SoftMax(logits, logits);
        }
        return result;
    }

    private float[] TokenReprs(CrossViewSentence s, out int length)
    {
        int n = length = s.Words.Length, e = _c.WordEmbeddingDim, d = _c.TokenDim, ce = _c.CharEmbeddingDim, f = _c.CharFilters, l = _c.MaxWordLength;
        var x = new float[n * d];
        var chars = new float[l * ce];
        for (int t = 0; t < n; t++)
        {
            var row = x.AsSpan(t * d, d);
            _words.AsSpan(s.Words[t] * e, e).CopyTo(row);
            for (int k = 0; k < l; k++)
                _chars.AsSpan(s.Chars[t * l + k] * ce, ce).CopyTo(chars.AsSpan(k * ce, ce));
            int at = e;
            foreach (var (w, bias, width) in _convs)
            {
                for (int o = 0; o < f; o++)
                {
                    var filter = w.AsSpan(o * width * ce, width * ce);
                    float best = float.NegativeInfinity;
                    for (int p = 0; p + width <= l; p++)
                        best = Math.Max(best, TensorPrimitives.Dot(filter, chars.AsSpan(p * ce, width * ce)));
                    row[at + o] = Math.Max(0f, best + bias[o]);
                }
                at += f;
            }
        }
        return x;
    }

    private static void Affine(float[] w, float[] b, ReadOnlySpan<float> x, Span<float> y)
    {
        int inputs = x.Length;
        for (int j = 0; j < y.Length; j++)
            y[j] = TensorPrimitives.Dot(w.AsSpan(j * inputs, inputs), x) + b[j];
    }
}

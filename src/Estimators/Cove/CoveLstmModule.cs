using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>
/// The MT-LSTM in TorchSharp, for training (the translation model's encoder) and for the trainers that fine-tune or mix
/// a token encoder: frozen GloVe rows (a buffer, never trained; unknown words read a zero row), then L biLSTM layers,
/// each direction a one-layer <c>nn.LSTM</c> (PyTorch's cell, gates i, f, g, o). Padded batches are handled without
/// packing: the reverse direction reads each row's words flipped within its length, so padding never reaches a real
/// step. <see cref="ToWeights"/> gives the state dict under the keys of <c>nn.LSTM(d, H, L, bidirectional=True)</c>.
/// </summary>
internal sealed class CoveLstmModule : nn.Module, ITokenEncoderModule
{
    private readonly ModuleList<LSTM> forward_layers;
    private readonly ModuleList<LSTM> backward_layers;
    private readonly Dropout dropout;
    private readonly Tensor glove;        // (V + 1, d); the last row is the zero vector of unknown words
    private readonly bool _includeGlove, _concatenate;

    public CoveLstmModule(StaticEmbeddings vectors, int hiddenSize, int layers, bool includeGlove, double dropoutRate = 0, bool concatenate = false) : base(nameof(CoveLstmModule))
    {
        InputSize = vectors.Dimension;
        Hidden = hiddenSize;
        Layers = layers;
        _includeGlove = includeGlove;
        _concatenate = concatenate;
        forward_layers = new ModuleList<LSTM>();
        backward_layers = new ModuleList<LSTM>();
        for (int l = 0; l < layers; l++)
        {
            int input = l == 0 ? InputSize : 2 * hiddenSize;
            forward_layers.Add(nn.LSTM(input, hiddenSize, batchFirst: true));
            backward_layers.Add(nn.LSTM(input, hiddenSize, batchFirst: true));
        }
        dropout = nn.Dropout(dropoutRate);
        var table = new float[(vectors.Count + 1) * InputSize];
        for (int i = 0; i < vectors.Count; i++)
            vectors.Row(i).CopyTo(table.AsSpan(i * InputSize, InputSize));
        glove = tensor(table, [vectors.Count + 1, InputSize]);
        UnknownRow = vectors.Count;
        RegisterComponents();
    }

    public int InputSize { get; }
    public int Hidden { get; }
    public int Layers { get; }
    public int UnknownRow { get; }

    public int HiddenSize => _concatenate ? (_includeGlove ? InputSize : 0) + Layers * 2 * Hidden : _includeGlove ? InputSize + 2 * Hidden : 2 * Hidden;
    public int LayerCount => _concatenate ? 1 : _includeGlove ? Layers + 1 : Layers;

    public nn.Module AsModule() => this;

    /// <summary>The recurrent parameters (what training updates).</summary>
    public IEnumerable<Parameter> LstmParameters() => forward_layers.parameters().Concat(backward_layers.parameters());

    /// <summary>Copies <paramref name="weights"/> in (keys of the PyTorch biLSTM).</summary>
    public void Load(CoveWeights weights)
    {
        using var _ = no_grad();
        for (int l = 0; l < Layers; l++)
            for (int d = 0; d < 2; d++)
            {
                var lstm = (d == 0 ? forward_layers : backward_layers)[l];
                string s = $"l{l}{(d == 1 ? "_reverse" : "")}";
                foreach (var (name, p) in lstm.named_parameters())
                {
                    string key = name.Replace("l0", s, StringComparison.Ordinal);
                    using var src = tensor(weights[key], p.shape);
                    p.copy_(src);
                }
            }
    }

    /// <summary>The current weights under the keys of <c>nn.LSTM(d, H, L, bidirectional=True)</c>.</summary>
    public CoveWeights ToWeights(string source)
    {
        using var _ = no_grad();
        var arrays = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (int l = 0; l < Layers; l++)
            for (int d = 0; d < 2; d++)
            {
                var lstm = (d == 0 ? forward_layers : backward_layers)[l];
                string s = $"l{l}{(d == 1 ? "_reverse" : "")}";
                foreach (var (name, p) in lstm.named_parameters())
                    arrays[name.Replace("l0", s, StringComparison.Ordinal)] = p.detach().contiguous().data<float>().ToArray();
            }
        return CoveWeights.FromArrays(arrays, InputSize, Hidden, Layers, source);
    }

    /// <summary>Token rows of a batch as (B, T) GloVe row indices (unknown words → the zero row) and the lengths.</summary>
    public (Tensor Rows, long[] Lengths) Rows(IReadOnlyList<int[]> ids)
    {
        int b = ids.Count, t = Math.Max(1, ids.Max(i => i.Length));
        var rows = new long[b * t];
        Array.Fill(rows, UnknownRow);
        var lengths = new long[b];
        for (int r = 0; r < b; r++)
        {
            lengths[r] = ids[r].Length;
            for (int s = 0; s < ids[r].Length; s++)
                rows[r * t + s] = ids[r][s] >= 0 ? ids[r][s] : UnknownRow;
        }
        return (tensor(rows, [b, t]), lengths);
    }

    /// <summary>
    /// Runs the biLSTM over (B, T) GloVe rows of texts with <paramref name="lengths"/> words.
    /// </summary>
    /// <returns>The (B, T, d) GloVe input, each layer's (B, T, 2H) output (0 at padding), the (B, T) mask, and per layer the
    /// (B, 2H) final states [h_fwd at the last word; h_bwd at the first].</returns>
    public (Tensor Glove, Tensor[] Outputs, Tensor Mask, Tensor[] Final) Run(Tensor rows, long[] lengths)
    {
        using var scope = NewDisposeScope();
        long b = rows.shape[0], t = rows.shape[1];
        var steps = arange(t, dtype: ScalarType.Int64).unsqueeze(0);                      // (1, T)
        var len = tensor(lengths).unsqueeze(1);                                            // (B, 1)
        var mask = steps.lt(len);                                                          // (B, T) bool
        var flip = where(mask, len.sub(1).sub(steps), steps);                              // reverse within the length
        var x = glove.index_select(0, rows.reshape(-1)).reshape(b, t, InputSize);         // (B, T, d)
        var maskF = mask.to(ScalarType.Float32).unsqueeze(2);
        var last = len.sub(1).clamp_min(0);                                                // (B, 1)
        var input = x;
        var outputs = new Tensor[Layers];
        var final = new Tensor[Layers];
        for (int l = 0; l < Layers; l++)
        {
            var inp = dropout.forward(input);
            var (fwd, _, _) = forward_layers[l].forward(inp);                              // (B, T, H)
            var index = flip.unsqueeze(2).expand(b, t, inp.shape[2]);
            var (bwdFlipped, _, _) = backward_layers[l].forward(inp.gather(1, index));
            var bwd = bwdFlipped.gather(1, flip.unsqueeze(2).expand(b, t, Hidden));
            var output = cat([fwd, bwd], 2).mul(maskF);                                    // (B, T, 2H)
            var hf = fwd.gather(1, last.unsqueeze(2).expand(b, 1, Hidden)).squeeze(1);     // (B, H)
            var hb = bwd.select(1, 0);
            final[l] = cat([hf, hb], 1).mul(mask.any(1, true).to(ScalarType.Float32));
            outputs[l] = output;
            input = output;
        }
        foreach (var o in outputs) o.MoveToOuterDisposeScope();
        foreach (var f in final) f.MoveToOuterDisposeScope();
        return (x.MoveToOuterDisposeScope(), outputs, mask.to(ScalarType.Float32).MoveToOuterDisposeScope(), final);
    }

    public EncoderOutput Encode(IReadOnlyList<EncodedText> batch)
    {
        using var scope = NewDisposeScope();
        var (rows, lengths) = Rows(batch.Select(e => e.Ids).ToArray());
        var (x, outputs, mask, _) = Run(rows, lengths);
        var layers = new List<Tensor>();
        if (_concatenate)
            layers.Add(cat((_includeGlove ? outputs.Prepend(x) : outputs).ToArray(), 2).mul(mask.unsqueeze(2)));
        else if (_includeGlove)
        {
            layers.Add(cat([x, zeros(x.shape[0], x.shape[1], 2 * Hidden)], 2).mul(mask.unsqueeze(2)));
            layers.AddRange(outputs.Select(o => cat([x, o], 2).mul(mask.unsqueeze(2))));
        }
        else
            layers.AddRange(outputs);
        foreach (var l in layers) l.MoveToOuterDisposeScope();
        return new EncoderOutput(layers, mask.MoveToOuterDisposeScope(), null);
    }
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNetContextual;

#pragma warning disable IDE1006   // field names are state-dict keys

/// <summary>
/// The ELMo biLM (bilm-tf's BidirectionalLanguageModelGraph): character CNN → L LSTM layers forward and L backward
/// (each direction over the text reversed per row). Layer 0 is the token representation as [x; x], layer l the
/// concatenated [forward; backward] outputs of LSTM layer l, all of width 2 × projection_dim.
/// </summary>
/// <remarks>
/// Stateless by default: every batch starts from zero LSTM states, so a text's vectors do not depend on what was run
/// before it or beside it (what ML.NET transforms need: the same row gives the same vector in any batch, in any order,
/// through a PredictionEngine). With <see cref="Stateful"/> the states each batch row ends with are the next batch's
/// initial states for that row, as bilm-tf's inference graph does (its test fixture needs it).
/// </remarks>
internal sealed class ElmoBiLm : nn.Module<Tensor, Tensor>, ITokenEncoderModule
{
    private readonly ElmoCharCnn char_cnn;
    private readonly ModuleList<ElmoLstmLayer> forward_layers;
    private readonly ModuleList<ElmoLstmLayer> backward_layers;
    private readonly ElmoConfig _config;
    private Tensor[] _states;      // stateful mode: per direction and layer, c then m, (rows, ·); null until the first batch

    public ElmoBiLm(ElmoConfig config) : base(nameof(ElmoBiLm))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        _config = config.Clone();
        char_cnn = new ElmoCharCnn(_config);
        forward_layers = new ModuleList<ElmoLstmLayer>();
        backward_layers = new ModuleList<ElmoLstmLayer>();
        for (int l = 0; l < config.LstmLayers; l++)
        {
            bool residual = config.UseSkipConnections && l > 0;
            forward_layers.Add(new ElmoLstmLayer(config.ProjectionDim, _config, residual));
            backward_layers.Add(new ElmoLstmLayer(config.ProjectionDim, _config, residual));
        }
        RegisterComponents();
    }

    public ElmoConfig Config => _config;
    public ElmoCharCnn CharCnn => char_cnn;
    public IList<ElmoLstmLayer> ForwardLayers => forward_layers;
    public IList<ElmoLstmLayer> BackwardLayers => backward_layers;

    /// <inheritdoc />
    public int HiddenSize => 2 * _config.ProjectionDim;

    /// <inheritdoc />
    public int LayerCount => _config.LstmLayers + 1;

    /// <summary>Carry LSTM states from one batch to the next, per batch row (bilm-tf's inference behaviour).</summary>
    public bool Stateful { get; set; }

    /// <summary>Forgets the carried states (the next batch starts from zeros).</summary>
    public void ResetStates()
    {
        if (_states != null)
            foreach (var s in _states)
                s?.Dispose();
        _states = null;
    }

    /// <inheritdoc />
    public nn.Module AsModule() => this;

    /// <summary>(B, T, C) character ids → (B, T, projection_dim) token representations.</summary>
    public override Tensor forward(Tensor charIds) => char_cnn.forward(charIds);

    /// <summary>The character ids of a batch of tokenized texts, padded with all-zero tokens: (B, T, C).</summary>
    public Tensor CharIds(IReadOnlyList<EncodedText> batch)
    {
        int c = _config.MaxCharactersPerToken;
        int t = Math.Max(1, batch.Max(e => e.Length));
        var ids = new long[batch.Count * t * c];
        var row = new int[c];
        for (int b = 0; b < batch.Count; b++)
            for (int k = 0; k < batch[b].Length; k++)
            {
                ElmoCharacters.Write(batch[b].Tokens[k], row);
                long offset = ((long)b * t + k) * c;
                for (int j = 0; j < c; j++)
                    ids[offset + j] = row[j];
            }
        return tensor(ids, [batch.Count, t, c]);
    }

    /// <inheritdoc />
    public EncoderOutput Encode(IReadOnlyList<EncodedText> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
            throw new ArgumentException("The batch is empty.", nameof(batch));
        using var scope = NewDisposeScope();
        var lengths = batch.Select(e => (long)e.Length).ToArray();
        var ids = CharIds(batch);
        long b = ids.shape[0], t = ids.shape[1];
        var mask = arange(t).unsqueeze(0).lt(tensor(lengths).unsqueeze(1)).to(ScalarType.Float32);   // (B, T)
        var tokens = char_cnn.forward(ids);                                                        // (B, T, P)
        var reverse = ReverseIndex(lengths, t);                                                    // (B, T)
        var states = Stateful ? InitialStates((int)b) : null;
        var final = Stateful ? new Tensor[states.Length] : null;

        var layers = new List<Tensor> { cat([tokens, tokens], 2) };
        var fwd = tokens;
        var bwd = Reverse(tokens, reverse);
        var bwdMask = mask;   // reversing inside each row keeps the real steps first
        for (int l = 0; l < forward_layers.Count; l++)
        {
            var f = forward_layers[l].Run(fwd, mask, states?[4 * l], states?[4 * l + 1]);
            var r = backward_layers[l].Run(bwd, bwdMask, states?[4 * l + 2], states?[4 * l + 3]);
            if (final != null)
                (final[4 * l], final[4 * l + 1], final[4 * l + 2], final[4 * l + 3]) = (f.C, f.M, r.C, r.M);
            layers.Add(cat([f.Output, Reverse(r.Output, reverse)], 2));
            (fwd, bwd) = (f.Output, r.Output);
        }
        if (final != null)
            KeepStates(final, (int)b);
        foreach (var layer in layers)
            layer.MoveToOuterDisposeScope();
        return new EncoderOutput(layers, mask.MoveToOuterDisposeScope(), null);
    }

    /// <summary>Row b's first lengths[b] steps reversed, the padding left in place: an index for gather on dim 1.</summary>
    private static Tensor ReverseIndex(long[] lengths, long t)
    {
        var index = new long[lengths.Length * t];
        for (int b = 0; b < lengths.Length; b++)
            for (long s = 0; s < t; s++)
                index[b * t + s] = s < lengths[b] ? lengths[b] - 1 - s : s;
        return tensor(index, [lengths.Length, t]);
    }

    private static Tensor Reverse(Tensor x, Tensor index) =>
        x.gather(1, index.unsqueeze(2).expand(x.shape[0], x.shape[1], x.shape[2]));

    private Tensor[] InitialStates(int rows)
    {
        var result = new Tensor[4 * forward_layers.Count];
        for (int l = 0; l < forward_layers.Count; l++)
            for (int k = 0; k < 4; k++)
            {
                int width = k % 2 == 0 ? forward_layers[l].Units : forward_layers[l].OutputSize;
                var kept = _states?[4 * l + k];
                if (kept is null || kept.shape[0] < rows)
                {
                    var z = zeros(rows, width);
                    if (kept is not null)
                        z[TensorIndex.Slice(0, kept.shape[0])] = kept;
                    result[4 * l + k] = z;
                }
                else
                    result[4 * l + k] = kept[TensorIndex.Slice(0, rows)];
            }
        return result;
    }

    private void KeepStates(Tensor[] final, int rows)
    {
        var next = new Tensor[final.Length];
        for (int i = 0; i < final.Length; i++)
        {
            var kept = _states?[i];
            var f = final[i].detach();
            next[i] = kept is not null && kept.shape[0] > rows ? cat([f, kept[TensorIndex.Slice(rows, null)]], 0) : f.clone();
            next[i].DetachFromDisposeScope();
        }
        ResetStates();
        _states = next;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            ResetStates();
        base.Dispose(disposing);
    }
}
#pragma warning restore IDE1006

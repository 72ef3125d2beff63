using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNetContextual;

#pragma warning disable IDE1006   // field names are state-dict keys

/// <summary>
/// One direction of one biLM layer: TensorFlow's LSTMCell with a projection (bilm-tf), gates in TensorFlow's order i, j,
/// f, o: c' = σ(f + 1) · c + σ(i) · tanh(j) clipped to ±cell_clip, m' = (σ(o) · tanh(c')) W_P clipped to ±proj_clip. The
/// forget bias of 1 TensorFlow adds at run time is folded into <c>state_linear.bias</c> here (added when loading a
/// published file, removed when saving one). With a residual connection the layer's input is added to its output.
/// </summary>
internal sealed class ElmoLstmLayer : nn.Module<Tensor, Tensor>
{
    private readonly Linear input_linear;       // W_0 rows for the input (no bias)
    private readonly Linear state_linear;       // W_0 rows for m_prev, with B (+1 on f)
    private readonly Linear state_projection;   // W_P_0; null when projection_dim == dim
    private readonly float? _cellClip, _projClip;
    private readonly bool _residual;

    public ElmoLstmLayer(int inputSize, ElmoConfig config, bool residual) : base(nameof(ElmoLstmLayer))
    {
        int h = config.LstmDim, p = config.ProjectionDim;
        Units = h;
        OutputSize = p < h ? p : h;
        input_linear = nn.Linear(inputSize, 4 * h, hasBias: false);
        state_linear = nn.Linear(OutputSize, 4 * h);
        if (p < h)
            state_projection = nn.Linear(h, p, hasBias: false);
        _cellClip = config.CellClip;
        _projClip = config.ProjectionClip;
        _residual = residual;
        using (no_grad())
        {
            // TensorFlow's default for the LSTM kernel: Glorot uniform over the whole [in + P, 4H] matrix; bias 0 (+1 forget).
            double limit = Math.Sqrt(6.0 / (inputSize + OutputSize + 4 * h));
            nn.init.uniform_(input_linear.weight, -limit, limit);
            nn.init.uniform_(state_linear.weight, -limit, limit);
            state_linear.bias.zero_();
            state_linear.bias[TensorIndex.Slice(2 * h, 3 * h)].fill_(1.0);
            if (state_projection != null)
            {
                double pl = Math.Sqrt(6.0 / (h + p));
                nn.init.uniform_(state_projection.weight, -pl, pl);
            }
        }
        RegisterComponents();
    }

    /// <summary>Cells H.</summary>
    public int Units { get; }
    /// <summary>Values per step of the output (P, or H without projection).</summary>
    public int OutputSize { get; }
    public bool Residual => _residual;
    public Linear InputLinear => input_linear;
    public Linear StateLinear => state_linear;
    public Linear StateProjection => state_projection;

    /// <summary>Without states: zero initial states, every row as long as the input.</summary>
    public override Tensor forward(Tensor x) => Run(x, null, null, null).Output;

    /// <summary>
    /// Runs the layer over (B, T, in) from the initial states (<paramref name="c0"/>, <paramref name="m0"/>, each
    /// (B, H) / (B, P); null: zeros). With <paramref name="mask"/> ((B, T), 1 for real steps, real steps first) the
    /// states stop at each row's last real step and padded outputs are 0, as TensorFlow's dynamic_rnn gives.
    /// </summary>
    /// <returns>(B, T, P) outputs and the final states.</returns>
    public (Tensor Output, Tensor C, Tensor M) Run(Tensor x, Tensor mask, Tensor c0, Tensor m0)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], t = x.shape[1];
        var xin = input_linear.forward(x);                                   // (B, T, 4H)
        var c = c0 ?? zeros(b, Units, dtype: x.dtype, device: x.device);
        var m = m0 ?? zeros(b, OutputSize, dtype: x.dtype, device: x.device);
        var outputs = new Tensor[t];
        for (int s = 0; s < t; s++)
        {
            var gates = xin.select(1, s).add(state_linear.forward(m)).chunk(4, 1);    // i, j, f, o
            var cNew = gates[2].sigmoid().mul(c).add(gates[0].sigmoid().mul(gates[1].tanh()));
            if (_cellClip is float cc)
                cNew = cNew.clamp(-cc, cc);
            var mNew = gates[3].sigmoid().mul(cNew.tanh());
            if (state_projection != null)
                mNew = state_projection.forward(mNew);
            if (_projClip is float pc)
                mNew = mNew.clamp(-pc, pc);
            var output = _residual ? mNew.add(x.select(1, s)) : mNew;
            if (mask is null)
                (c, m) = (cNew, mNew);
            else
            {
                var valid = mask.select(1, s).unsqueeze(1);                   // (B, 1)
                var keep = valid.to(ScalarType.Bool);
                c = where(keep, cNew, c);
                m = where(keep, mNew, m);
                output = output.mul(valid);
            }
            outputs[s] = output;
        }
        var result = stack(outputs, 1);
        return (result.MoveToOuterDisposeScope(), c.MoveToOuterDisposeScope(), m.MoveToOuterDisposeScope());
    }
}
#pragma warning restore IDE1006

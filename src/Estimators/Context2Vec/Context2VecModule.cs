using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNetContextual;

#pragma warning disable IDE1006   // field names are state-dict keys, as in the reference's BiLstmContext

/// <summary>
/// context2vec in TorchSharp (the reference's <c>BiLstmContext</c>, deep): <c>l2r_embed</c>/<c>r2l_embed</c> (V, E)
/// word embeddings per direction, <c>l2r_1</c>/<c>r2l_1</c> one LSTM layer each (E → H), the MLP <c>l3</c> (2H → M),
/// ReLU, <c>l4</c> (M → D), and <c>targets</c> (V, D), the target-word embeddings the negative-sampling loss scores
/// context vectors against (the reference's <c>loss_func.W</c>). Used to train; applied by the transforms through
/// <see cref="Context2VecSession"/>'s managed forward, which gives the same numbers.
/// </summary>
/// <remarks>
/// For words w_1…w_n the left-to-right LSTM reads &lt;BOS&gt; w_1 … w_n and the right-to-left one &lt;EOS&gt; w_n … w_1;
/// the context of slot i is MLP([l2r after w_{i−1}; r2l after w_{i+1}]) — it never sees w_i. Initialisation as the
/// reference where it sets one (embeddings N(0, 1/V), targets 0 as chainer's NegativeSampling), TorchSharp's defaults
/// for the LSTMs and linear layers (chainer's differ).
/// </remarks>
internal sealed class Context2VecModule : nn.Module<Tensor, Tensor>, ITokenEncoderModule
{
    private readonly Embedding l2r_embed;
    private readonly Embedding r2l_embed;
    private readonly LSTM l2r_1;
    private readonly LSTM r2l_1;
    private readonly Linear l3;
    private readonly Linear l4;
    private readonly Parameter targets;
    private readonly Context2VecConfig _config;

    public Context2VecModule(Context2VecConfig config, int vocabularySize) : base(nameof(Context2VecModule))
    {
        config.Validate();
        _config = config.Clone();
        int e = config.WordEmbeddingDim, h = config.LstmHiddenDim;
        l2r_embed = nn.Embedding(vocabularySize, e);
        r2l_embed = nn.Embedding(vocabularySize, e);
        l2r_1 = nn.LSTM(e, h, batchFirst: true);
        r2l_1 = nn.LSTM(e, h, batchFirst: true);
        l3 = nn.Linear(2 * h, config.MlpHiddenDim);
        l4 = nn.Linear(config.MlpHiddenDim, config.ContextDim);
        targets = nn.Parameter(zeros(vocabularySize, config.ContextDim));
        using (no_grad())
        {
            double std = Math.Sqrt(1.0 / vocabularySize);
            l2r_embed.weight!.normal_(0, std);
            r2l_embed.weight!.normal_(0, std);
        }
        RegisterComponents();
        VocabularySize = vocabularySize;
    }

    public Context2VecConfig Config => _config;
    public int VocabularySize { get; }
    public int HiddenSize => _config.ContextDim;
    public int LayerCount => 1;
    public Parameter Targets => targets;
    public double Dropout { get; set; }

    public nn.Module AsModule() => this;

    /// <summary>(B, L) left-to-right ids → not used directly; see <see cref="Contexts"/>.</summary>
    public override Tensor forward(Tensor input) => throw new NotSupportedException("Use Contexts or Encode.");

    /// <summary>
    /// Context vectors of chosen slots. <paramref name="l2r"/> and <paramref name="r2l"/> are (B, L) ids (&lt;BOS&gt;
    /// w_1 … and &lt;EOS&gt; w_n …, padded at the end); <paramref name="left"/> and <paramref name="right"/> index the
    /// flattened (B·L) LSTM outputs, one entry per slot wanted.
    /// </summary>
    /// <returns>(N, D) context vectors.</returns>
    public Tensor Contexts(Tensor l2r, Tensor r2l, Tensor left, Tensor right)
    {
        using var scope = NewDisposeScope();
        var (a, _, _) = l2r_1.forward(Drop(l2r_embed.forward(l2r)));        // (B, L, H)
        var (b, _, _) = r2l_1.forward(Drop(r2l_embed.forward(r2l)));        // (B, L, H)
        long hidden = a.shape[2];
        var hl = a.reshape(-1, hidden).index_select(0, left);               // (N, H)
        var hr = b.reshape(-1, hidden).index_select(0, right);              // (N, H)
        var x = cat([hl, hr], 1);                                           // (N, 2H)
        var y = l4.forward(Drop(nn.functional.relu(l3.forward(Drop(x)))));  // (N, D)
        return y.MoveToOuterDisposeScope();
    }

    private Tensor Drop(Tensor x) => training && Dropout > 0 ? nn.functional.dropout(x, Dropout, true) : x;

    /// <summary>The (B, L) inputs of both directions for rows of word ids (no specials), L = longest + 1.</summary>
    public static (Tensor L2R, Tensor R2L, int Width) Inputs(IReadOnlyList<int[]> rows)
    {
        int width = rows.Max(r => r.Length) + 1;
        var l2r = new long[rows.Count * width];
        var r2l = new long[rows.Count * width];
        for (int b = 0; b < rows.Count; b++)
        {
            var w = rows[b];
            int n = w.Length, o = b * width;
            l2r[o] = Context2VecVocabulary.BosId;
            r2l[o] = Context2VecVocabulary.EosId;
            for (int i = 0; i < n; i++)
            {
                l2r[o + 1 + i] = w[i];
                r2l[o + 1 + i] = w[n - 1 - i];
            }
        }
        return (tensor(l2r, [rows.Count, width]), tensor(r2l, [rows.Count, width]), width);
    }

    /// <summary>Flat output indices of slot <paramref name="slot"/> of a row of <paramref name="n"/> words: slot 0 is
    /// &lt;BOS&gt;, 1…n the words, n + 1 &lt;EOS&gt;. Left: l2r after w_{slot−1} (0 = after &lt;BOS&gt;); right: r2l after
    /// w_{slot+1} (0 = after &lt;EOS&gt;).</summary>
    public static (long Left, long Right) Slot(int row, int width, int n, int slot) =>
        ((long)row * width + Math.Clamp(slot - 1, 0, n), (long)row * width + Math.Clamp(n - slot, 0, n));

    /// <inheritdoc />
    public EncoderOutput Encode(IReadOnlyList<EncodedText> batch)
    {
        using var scope = NewDisposeScope();
        var rows = batch.Select(t => t.Ids[1..^1]).ToArray();
        var (l2r, r2l, width) = Inputs(rows);
        int slots = width + 1;                 // longest n + 2
        var left = new long[batch.Count * slots];
        var right = new long[batch.Count * slots];
        var mask = new float[batch.Count * slots];
        for (int b = 0; b < rows.Length; b++)
        {
            int n = rows[b].Length;
            for (int s = 0; s < slots; s++)
            {
                (left[b * slots + s], right[b * slots + s]) = Slot(b, width, n, Math.Min(s, n + 1));
                mask[b * slots + s] = s < n + 2 ? 1 : 0;
            }
        }
        var y = Contexts(l2r, r2l, tensor(left), tensor(right)).view(batch.Count, slots, -1);
        var m = tensor(mask, [batch.Count, slots]);
        var output = new EncoderOutput([y.MoveToOuterDisposeScope()], m.MoveToOuterDisposeScope(), null);
        return output;
    }
}
#pragma warning restore IDE1006

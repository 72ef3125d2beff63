using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNetContextual;

#pragma warning disable IDE1006   // field names are state-dict keys

/// <summary>
/// The translation model's decoder, as in the paper and OpenNMT-py (the code salesforce/cove trained with): an L-layer
/// LSTM over German word embeddings with input feeding (the previous attentional vector h̃ is concatenated to the
/// input), global "general" attention over the encoder's top layer (score h_dec · W_in h_enc), h̃ = tanh(W_out [c; h]),
/// then a linear layer to the German vocabulary. Its state starts from the encoder's final [h_fwd; h_bwd] per layer
/// (cells from zero: see <see cref="CoveLstmModule.Run"/>).
/// </summary>
internal sealed class CoveDecoder : nn.Module
{
    private readonly Embedding embedding;
    private readonly ModuleList<LSTMCell> cells;
    private readonly Linear linear_in;
    private readonly Linear linear_out;
    private readonly Linear generator;
    private readonly Dropout dropout;
    private readonly int _size;

    public CoveDecoder(int vocabulary, int embeddingSize, int size, int layers, double dropoutRate) : base(nameof(CoveDecoder))
    {
        _size = size;
        embedding = nn.Embedding(vocabulary, embeddingSize, padding_idx: CoveTargetVocabulary.Pad);
        cells = new ModuleList<LSTMCell>();
        for (int l = 0; l < layers; l++)
            cells.Add(nn.LSTMCell(l == 0 ? embeddingSize + size : size, size));
        linear_in = nn.Linear(size, size, hasBias: false);
        linear_out = nn.Linear(2 * size, size, hasBias: false);
        generator = nn.Linear(size, vocabulary);
        dropout = nn.Dropout(dropoutRate);
        RegisterComponents();
    }

    /// <summary>Teacher-forced logits.</summary>
    /// <param name="input">(B, U) German ids, &lt;s&gt; first.</param>
    /// <param name="context">(B, S, size) encoder top-layer outputs.</param>
    /// <param name="sourceMask">(B, S) float, 1 for real source words.</param>
    /// <param name="initial">Per decoder layer the (B, size) initial hidden state.</param>
    /// <returns>(B, U, V) logits.</returns>
    public Tensor forward(Tensor input, Tensor context, Tensor sourceMask, IReadOnlyList<Tensor> initial)
    {
        using var scope = NewDisposeScope();
        long b = input.shape[0], u = input.shape[1];
        var emb = dropout.forward(embedding.forward(input));                              // (B, U, E)
        var h = initial.ToArray();
        var c = initial.Select(t => zeros_like(t)).ToArray();
        var feed = zeros(b, _size);
        var keys = linear_in.forward(context);                                            // W_in h_enc: (B, S, size)
        var blocked = sourceMask.eq(0);
        var outs = new Tensor[u];
        for (int s = 0; s < u; s++)
        {
            var x = cat([emb.select(1, s), feed], 1);
            for (int l = 0; l < cells.Count; l++)
            {
                (h[l], c[l]) = cells[l].forward(x, (h[l], c[l]));
                x = l < cells.Count - 1 ? dropout.forward(h[l]) : h[l];
            }
            var scores = keys.bmm(x.unsqueeze(2)).squeeze(2).masked_fill(blocked, float.NegativeInfinity);   // (B, S)
            var attention = scores.softmax(1);
            var weighted = attention.unsqueeze(1).bmm(context).squeeze(1);                // (B, size)
            feed = linear_out.forward(cat([weighted, x], 1)).tanh();
            outs[s] = feed;
        }
        var hidden = dropout.forward(stack(outs, 1));                                     // (B, U, size)
        return generator.forward(hidden).MoveToOuterDisposeScope();
    }
}
#pragma warning restore IDE1006

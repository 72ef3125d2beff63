using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>A USE Transformer (a <see cref="BertModel"/> over USE's vocabulary) while it trains: sentence vector =
/// Σ_t h_t / √n over the last layer's real tokens.</summary>
internal sealed class UseTransformerTrainable : IUseTrainable
{
    private readonly UseTokenizer _tokenizer;
    private readonly BertModel _model;
    private readonly int _maxTokens;

    public UseTransformerTrainable(UseTokenizer tokenizer, BertConfig config, int maxTokens)
    {
        _tokenizer = tokenizer;
        _model = new BertModel(config);
        _maxTokens = maxTokens;
    }

    public nn.Module Module => _model;
    public Tensor SparseParameter => null;
    public string SparseParameterName => null;
    public int Dimension => _model.HiddenSize;

    public Tensor Embed(IReadOnlyList<string> texts, Random rng, bool training)
    {
        using var scope = NewDisposeScope();
        var batch = texts.Select(t => _tokenizer.Encode(t, null, _maxTokens)).ToArray();
        var output = _model.Encode(batch);
        var mask = output.Mask.unsqueeze(-1);                                  // (B, T, 1)
        var sum = output.Layers[^1].mul(mask).sum(1);                          // (B, H)
        var length = output.Mask.sum(1, keepdim: true).clamp_min(1).sqrt();  // (B, 1)
        return sum.div(length).MoveToOuterDisposeScope();
    }

    public ContextualEncoder ToEncoder(string name) =>
        new UseTransformerEncoder(name, _tokenizer, _model.Config, UseTransformerEncoder.StateOf(_model));

    public void Dispose() => _model.Dispose();
}

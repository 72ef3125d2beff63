using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>A <see cref="UseDanModule"/> with its tokenizer while it trains; word dropout (Iyyer et al. 2015) drops each
/// word and bigram of a training text with probability <c>WordDropout</c>, keeping at least one.</summary>
internal sealed class UseDanTrainable : IUseTrainable
{
    private readonly UseTokenizer _tokenizer;
    private readonly UseDanModule _module;
    private readonly int _maxWords;
    private readonly double _wordDropout;

    public UseDanTrainable(UseTokenizer tokenizer, int embeddingDimension, IReadOnlyList<int> layerSizes, int maxWords, double wordDropout)
    {
        _tokenizer = tokenizer;
        _module = new UseDanModule(tokenizer.TokenRows + tokenizer.BigramBuckets, embeddingDimension, layerSizes);
        _maxWords = maxWords;
        _wordDropout = wordDropout;
        Dimension = layerSizes[^1];
    }

    public nn.Module Module => _module;
    public Tensor SparseParameter => _module.EmbeddingWeight;
    public string SparseParameterName => "embeddings.weight";
    public int Dimension { get; }

    public Tensor Embed(IReadOnlyList<string> texts, Random rng, bool training)
    {
        var ids = new List<long>();
        var offsets = new long[texts.Count];
        var bag = new List<int>();
        var spans = new List<(int, int)>();
        for (int i = 0; i < texts.Count; i++)
        {
            offsets[i] = ids.Count;
            _tokenizer.Bag(texts[i], _maxWords, bag, spans);
            int kept = 0;
            foreach (int id in bag)
                if (!training || _wordDropout == 0 || rng.NextDouble() >= _wordDropout)
                {
                    ids.Add(id);
                    kept++;
                }
            if (kept == 0 && bag.Count > 0)
                ids.Add(bag[rng.Next(bag.Count)]);
        }
        using var idTensor = tensor(ids.ToArray(), ScalarType.Int64);
        using var offsetTensor = tensor(offsets, ScalarType.Int64);
        return _module.call(idTensor, offsetTensor);
    }

    public ContextualEncoder ToEncoder(string name) => new UseDanEncoder(name, _tokenizer, _module.ToWeights());

    public void Dispose() => _module.Dispose();
}

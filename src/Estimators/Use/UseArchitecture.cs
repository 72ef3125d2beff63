namespace MLNetContextual;

/// <summary>Which Universal Sentence Encoder to train.</summary>
public enum UseArchitecture
{
    /// <summary>Deep averaging network: word and bigram embeddings averaged, then a feed-forward network. Linear in
    /// length, very fast (<see cref="UseDanEncoder"/>).</summary>
    Dan,
    /// <summary>Transformer: context-aware token states summed and divided by √length. More accurate, quadratic in
    /// length (<see cref="UseTransformerEncoder"/>).</summary>
    Transformer,
}

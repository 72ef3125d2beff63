using MLNetContextual;

// The stable ids under which this assembly's transformers are saved. Never change an id; raise MaxFormatVersion when a
// transformer's layout changes (its LoadModel reads every version from MinFormatVersion up).
[assembly: ContextualComponent(ContextualEmbeddingTransformer.ComponentId, typeof(ContextualEmbeddingTransformer), MaxFormatVersion = 2)]
[assembly: ContextualComponent(ContextualWordEmbeddingTransformer.ComponentId, typeof(ContextualWordEmbeddingTransformer), MaxFormatVersion = 2)]
[assembly: ContextualComponent(ContextualTokenEmbeddingTransformer.ComponentId, typeof(ContextualTokenEmbeddingTransformer))]
[assembly: ContextualComponent("tokenize-for-transformer", typeof(TokenizeForTransformerTransformer))]
[assembly: ContextualComponent("static-word-embedding", typeof(StaticWordEmbeddingTransformer))]

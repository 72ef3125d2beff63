using Microsoft.Extensions.AI;

namespace MLNetContextual;

/// <summary>
/// The same encoder as <see cref="ContextualEmbeddingTransformer"/> behind Microsoft.Extensions.AI's
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>. Thread-safe: concurrent calls share one ONNX Runtime session.
/// Dispose to release the session (unless built from a transformer the caller owns).
/// </summary>
public sealed class ContextualEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly ContextualEmbeddingTransformer _transformer;
    private readonly bool _ownsTransformer;
    private readonly int _batchSize;

    /// <summary>A generator over a new encoder session; <paramref name="options"/> null: mean-pooled embedded MiniLM.</summary>
    public ContextualEmbeddingGenerator(ContextualEmbeddingOptions options = null)
    {
        options ??= new ContextualEmbeddingOptions();
        options.Validate();
        if (options.Pooling == ContextualPooling.None)
            throw new ArgumentOutOfRangeException(nameof(options), "Pooling None gives no single embedding per text; valid here: Mean, Cls, Max.");
        _transformer = new ContextualEmbeddingTransformer("Embedding", "Text", EncoderHandle.Create(options), options.Pooling, options.Normalize, null);
        _ownsTransformer = true;
        _batchSize = options.BatchSize;
    }

    /// <summary>A generator over a fitted (or loaded) transformer, which stays the caller's to dispose.</summary>
    public ContextualEmbeddingGenerator(ContextualEmbeddingTransformer transformer, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        if (transformer.Pooling == ContextualPooling.None)
            throw new ArgumentOutOfRangeException(nameof(transformer), "The transformer uses Pooling None; an embedding generator needs Mean, Cls or Max.");
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _transformer = transformer;
        _batchSize = batchSize;
    }

    /// <summary>Provider "MLNetContextual", the encoder's name and its dimension.</summary>
    public EmbeddingGeneratorMetadata Metadata => new("MLNetContextual", null, _transformer.Encoder.Name, _transformer.Dimension);

    /// <inheritdoc />
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values,
        EmbeddingGenerationOptions options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (options?.Dimensions is int d && d != _transformer.Dimension)
            throw new ArgumentOutOfRangeException(nameof(options), $"Dimensions is {d}; this encoder gives {_transformer.Dimension}.");
        var texts = values.ToArray();
        // The encoder is CPU-bound: run it off the caller's thread, a read-ahead window at a time (the encoder groups the
        // window's texts by length, as the batching cursor does), checking for cancellation between windows.
        int window = _batchSize * EncoderHandle.LookaheadBatches;
        return Task.Run(() =>
        {
            var result = new GeneratedEmbeddings<Embedding<float>>(texts.Length);
            var batch = new ContextualEmbeddingTransformer.EmbeddedText[Math.Min(window, Math.Max(1, texts.Length))];
            for (int start = 0; start < texts.Length; start += window)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int n = Math.Min(window, texts.Length - start);
                _transformer.Embed(texts.AsSpan(start, n), batch.AsSpan(0, n));
                for (int i = 0; i < n; i++)
                    result.Add(new Embedding<float>(batch[i].Vector) { ModelId = _transformer.Encoder.Name, CreatedAt = DateTimeOffset.UtcNow });
            }
            return result;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public object GetService(Type serviceType, object serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey != null)
            return null;
        if (serviceType == typeof(EmbeddingGeneratorMetadata))
            return Metadata;
        if (serviceType.IsInstanceOfType(_transformer))
            return _transformer;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsTransformer)
            _transformer.Dispose();
    }
}

using Microsoft.Extensions.AI;

namespace MLNetContextual;

/// <summary>
/// Any encoder of the library (pooled token vectors or its own sentence vectors) behind Microsoft.Extensions.AI's
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>. Thread-safe: concurrent calls share one encoder session.
/// Dispose to release the session (unless built from a transformer the caller owns); calls after disposal throw
/// <see cref="ObjectDisposedException"/>, and disposal waits for calls in flight.
/// </summary>
public sealed class ContextualEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly SentenceEmbedder _embedder;
    private readonly ContextualEmbeddingTransformer _transformer;
    private readonly bool _ownsEncoder;
    private readonly int _window;
    private volatile bool _disposed;

    /// <summary>A generator over a new encoder session; <paramref name="options"/> null: mean-pooled embedded MiniLM.</summary>
    public ContextualEmbeddingGenerator(ContextualEmbeddingOptions options = null)
    {
        options ??= new ContextualEmbeddingOptions();
        options.Validate();
        var pooling = options.ResolvePooling(options.Encoder);
        _embedder = new SentenceEmbedder(EncoderHandle.Create(options, nameof(ContextualEmbeddingGenerator)), pooling, options.Normalize,
            options.LongText, options.WindowOverlap, options.CacheSizeMB);
        _ownsEncoder = true;
        _window = options.BatchSize * options.ReadAheadBatches;
    }

    /// <summary>A generator over a fitted (or loaded) transformer, which stays the caller's to dispose.</summary>
    /// <param name="transformer">The transformer whose encoder and pooling are used.</param>
    /// <param name="batchSize">Texts encoded per run (1 to <see cref="EncoderOptions.MaxBatchSize"/>).</param>
    public ContextualEmbeddingGenerator(ContextualEmbeddingTransformer transformer, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        if (batchSize is < 1 or > EncoderOptions.MaxBatchSize)
            throw new ArgumentOutOfRangeException(nameof(batchSize), $"batchSize is {batchSize}; it must be between 1 and {EncoderOptions.MaxBatchSize}.");
        _transformer = transformer;
        _embedder = transformer.Embedder;
        _window = batchSize * transformer.Embedder.Encoder.Settings.ReadAheadBatches;
    }

    /// <summary>Provider "MLNetContextual", the encoder's name and its dimension.</summary>
    public EmbeddingGeneratorMetadata Metadata => new("MLNetContextual", null, _embedder.Encoder.Descriptor.Name, _embedder.Dimension);

    /// <inheritdoc />
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values,
        EmbeddingGenerationOptions options = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(values);
        if (options?.Dimensions is int d && d != _embedder.Dimension)
            throw new ArgumentOutOfRangeException(nameof(options), $"Dimensions is {d}; this encoder gives {_embedder.Dimension}.");
        var texts = values.ToArray();
        string model = _embedder.Encoder.Descriptor.Name;
        // The encoder is CPU-bound: run it off the caller's thread, a read-ahead window at a time (the encoder groups the
        // window's texts by length, as the batching cursor does), checking for cancellation between windows.
        return Task.Run(() =>
        {
            var result = new GeneratedEmbeddings<Embedding<float>>(texts.Length);
            var batch = new float[Math.Min(_window, Math.Max(1, texts.Length))][];
            for (int start = 0; start < texts.Length; start += _window)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ObjectDisposedException.ThrowIf(_disposed, this);
                int n = Math.Min(_window, texts.Length - start);
                _embedder.Embed(texts.AsSpan(start, n), batch.AsSpan(0, n));
                for (int i = 0; i < n; i++)
                    result.Add(new Embedding<float>(batch[i]) { ModelId = model, CreatedAt = DateTimeOffset.UtcNow });
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
        if (_transformer != null && serviceType.IsInstanceOfType(_transformer))
            return _transformer;
        if (serviceType.IsInstanceOfType(_embedder.Encoder.Descriptor))
            return _embedder.Encoder.Descriptor;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _disposed = true;
        if (_ownsEncoder)
            _embedder.Dispose();
    }
}

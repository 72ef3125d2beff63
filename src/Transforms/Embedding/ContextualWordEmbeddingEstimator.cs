using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>Estimator for <see cref="ContextualWordEmbeddingTransformer"/>; <see cref="Fit"/> loads the encoder and checks the spans.</summary>
public sealed class ContextualWordEmbeddingEstimator : IEstimator<ContextualWordEmbeddingTransformer>
{
    private readonly string _output, _text, _start, _length;
    private readonly ContextualWordEmbeddingOptions _options;

    internal ContextualWordEmbeddingEstimator(string output, string text, string start, string length, ContextualWordEmbeddingOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(output);
        ArgumentException.ThrowIfNullOrEmpty(text);
        ArgumentException.ThrowIfNullOrEmpty(start);
        ArgumentException.ThrowIfNullOrEmpty(length);
        (_output, _text, _start, _length) = (output, text, start, length);
        _options = options ?? new ContextualWordEmbeddingOptions();
        _options.Validate();
        EncoderHandle.Require(_options.Encoder, EncoderCapabilities.TokenVectors, "ApplyContextualWordEmbedding (the vector of a word at a span)");
    }

    /// <inheritdoc />
    public ContextualWordEmbeddingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (text, start, length) = ContextualWordEmbeddingTransformer.CheckSchema(input.Schema, _text, _start, _length);
        if (_options.ValidateSpansAtFit)
        {
            using var cursor = input.GetRowCursor([input.Schema[text], input.Schema[start], input.Schema[length]]);
            var readText = SchemaChecks.TextReader(cursor, text);
            var readStart = WordSpan.IntegerReader(cursor, start);
            var readLength = WordSpan.IntegerReader(cursor, length);
            while (cursor.MoveNext())
                new WordSpan(readText(), readStart(), readLength()).Check(cursor.Position);
        }
        return new ContextualWordEmbeddingTransformer(_output, _text, _start, _length, EncoderHandle.Create(_options, nameof(ContextualWordEmbeddingTransformer)), _options.Normalize);
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        SchemaChecks.RequireText(inputSchema, _text);
        foreach (var name in new[] { _start, _length })
            SchemaChecks.Require(inputSchema, name, "Int32 or Int64", c => c.Kind == SchemaShape.Column.VectorKind.Scalar && WordSpan.IsInteger(c.ItemType));
        return SchemaShapes.With(inputSchema, SchemaShapes.Vector(_output, NumberDataViewType.Single, knownSize: true));
    }
}

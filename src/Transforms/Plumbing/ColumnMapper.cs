using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>Computes a transformer's new columns from the input columns they depend on.</summary>
internal abstract class ColumnMapper
{
    private DataViewSchema _outputSchema;

    protected ColumnMapper(DataViewSchema inputSchema) => InputSchema = inputSchema;

    public DataViewSchema InputSchema { get; }

    /// <summary>The new columns, in order; they are appended to the input schema.</summary>
    public abstract IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns { get; }

    /// <summary>Indices of the input columns the new columns are computed from.</summary>
    public abstract IReadOnlyList<int> Dependencies { get; }

    /// <summary>Rows computed together (one encoder run per batch when a whole view is transformed).</summary>
    public virtual int BatchSize => 1;

    public DataViewSchema OutputSchema => _outputSchema ??= BuildOutputSchema();

    private DataViewSchema BuildOutputSchema()
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(InputSchema);
        foreach (var c in OutputColumns)
            builder.AddColumn(c.Name, c.Type, c.Annotations);
        return builder.ToSchema();
    }

    /// <summary>A cursor over the output: reads ahead <see cref="BatchSize"/> rows through <paramref name="lead"/>
    /// (dependencies only) while <paramref name="lag"/> serves the input columns of the current row.</summary>
    public abstract DataViewRowCursor CreateCursor(DataViewRowCursor lead, DataViewRowCursor lag, bool[] activeOutputs);

    /// <summary>A row whose new columns are computed on demand from <paramref name="input"/>.</summary>
    public abstract DataViewRow CreateRow(DataViewRow input, bool[] activeOutputs);
}

/// <summary>
/// A <see cref="ColumnMapper"/> that reads a <typeparamref name="TInput"/> per row, maps rows in batches to
/// <typeparamref name="TResult"/>, and exposes the results through one getter per output column.
/// </summary>
internal abstract class ColumnMapper<TInput, TResult> : ColumnMapper
{
    protected ColumnMapper(DataViewSchema inputSchema) : base(inputSchema) { }

    /// <summary>A function that reads (and copies) the current row's input from <paramref name="row"/>.</summary>
    public abstract Func<TInput> CreateInputReader(DataViewRow row);

    /// <summary>Maps <paramref name="inputs"/> to <paramref name="results"/>, one result per input.</summary>
    public abstract void Map(ReadOnlySpan<TInput> inputs, Span<TResult> results);

    /// <summary>A <c>ValueGetter&lt;T&gt;</c> for output column <paramref name="index"/> reading <paramref name="current"/>.</summary>
    public abstract Delegate CreateOutputGetter(int index, Func<TResult> current);

    public override DataViewRowCursor CreateCursor(DataViewRowCursor lead, DataViewRowCursor lag, bool[] activeOutputs) =>
        new BatchingCursor<TInput, TResult>(this, lead, lag, activeOutputs);

    public override DataViewRow CreateRow(DataViewRow input, bool[] activeOutputs) =>
        new MappedRow<TInput, TResult>(this, input, activeOutputs);
}

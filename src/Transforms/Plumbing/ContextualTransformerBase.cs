using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>
/// Base of every transformer in MLNetContextual: maps input rows to new columns (appended to the input schema),
/// streams rows through a batching cursor, maps single rows for <see cref="PredictionEngine{TSrc, TDst}"/>, and saves
/// itself with its weights into the ML.NET model zip.
/// </summary>
/// <remarks>
/// A derived type must declare <c>internal static T LoadModel(ModelReader reader)</c>, which reads back what
/// <see cref="SaveModel"/> wrote; <see cref="FormatVersion"/> tells it which layout it is reading.
/// </remarks>
public abstract class ContextualTransformerBase : ITransformer, ICanSaveModel
{
    private protected ContextualTransformerBase() { }

    /// <summary>The layout version written by <see cref="SaveModel"/>; raise it when the layout changes.</summary>
    internal virtual int FormatVersion => 1;

    /// <summary>Writes settings and weights.</summary>
    internal abstract void SaveModel(ModelWriter writer);

    /// <summary>Checks <paramref name="inputSchema"/> and creates the mapper that computes the new columns.</summary>
    internal abstract ColumnMapper CreateMapper(DataViewSchema inputSchema);

    /// <inheritdoc />
    public bool IsRowToRowMapper => true;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => CreateMapper(inputSchema).OutputSchema;

    /// <inheritdoc />
    public IDataView Transform(IDataView input) => new MappedDataView(input, CreateMapper(input.Schema));

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new SingleRowMapper(CreateMapper(inputSchema));

    void ICanSaveModel.Save(ModelSaveContext ctx) => TransformerPersistence.Save(ctx, this);
}

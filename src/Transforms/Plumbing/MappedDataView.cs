using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>The lazily computed output of a <see cref="ContextualTransformerBase"/>; nothing is held in memory.</summary>
internal sealed class MappedDataView : IDataView
{
    private readonly IDataView _input;
    private readonly ColumnMapper _mapper;

    public MappedDataView(IDataView input, ColumnMapper mapper)
    {
        _input = input;
        _mapper = mapper;
    }

    public DataViewSchema Schema => _mapper.OutputSchema;

    // Two input cursors walk in lockstep (one reads ahead a batch), so their row order must not be shuffled.
    public bool CanShuffle => false;

    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random rand = null)
    {
        int inputCount = _input.Schema.Count;
        var needed = columnsNeeded.Select(c => c.Index).ToHashSet();
        var activeOutputs = new bool[_mapper.OutputColumns.Count];
        for (int i = 0; i < activeOutputs.Length; i++)
            activeOutputs[i] = needed.Contains(inputCount + i);

        var lag = _input.GetRowCursor(_input.Schema.Where(c => needed.Contains(c.Index)));
        DataViewRowCursor lead = activeOutputs.Any(a => a)
            ? _input.GetRowCursor(_mapper.Dependencies.Select(i => _input.Schema[i]))
            : null;
        return _mapper.CreateCursor(lead, lag, activeOutputs);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];
}

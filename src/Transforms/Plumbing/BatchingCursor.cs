using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>
/// Streams rows: reads up to a batch of inputs ahead through the lead cursor, maps them in one call, then serves them
/// one by one while the lag cursor (on the same rows, same order) serves the pass-through input columns.
/// Memory is one batch, whatever the number of rows.
/// </summary>
internal sealed class BatchingCursor<TInput, TResult> : DataViewRowCursor
{
    private readonly ColumnMapper<TInput, TResult> _mapper;
    private readonly DataViewRowCursor _lead;
    private readonly DataViewRowCursor _lag;
    private readonly bool[] _activeOutputs;
    private readonly Delegate[] _getters;
    private readonly Func<TInput> _read;
    private readonly TInput[] _inputs;
    private readonly TResult[] _results;
    private int _count;
    private int _index = -1;

    public BatchingCursor(ColumnMapper<TInput, TResult> mapper, DataViewRowCursor lead, DataViewRowCursor lag, bool[] activeOutputs)
    {
        _mapper = mapper;
        _lead = lead;
        _lag = lag;
        _activeOutputs = activeOutputs;
        _getters = new Delegate[activeOutputs.Length];
        if (lead != null)
        {
            _read = mapper.CreateInputReader(lead);
            _inputs = new TInput[Math.Max(1, mapper.BatchSize)];
            _results = new TResult[_inputs.Length];
            for (int i = 0; i < activeOutputs.Length; i++)
                if (activeOutputs[i])
                    _getters[i] = mapper.CreateOutputGetter(i, Current);
        }
    }

    private TResult Current()
    {
        if (_index < 0 || _index >= _count)
            throw new InvalidOperationException("The cursor is not on a row.");
        return _results[_index];
    }

    public override DataViewSchema Schema => _mapper.OutputSchema;
    public override long Position => _lag.Position;
    public override long Batch => _lag.Batch;

    public override ValueGetter<DataViewRowId> GetIdGetter() => _lag.GetIdGetter();

    public override bool MoveNext()
    {
        if (_lead != null && ++_index >= _count)
        {
            if (_results != null && _count > 0)
                Array.Clear(_results, 0, _count);   // let the last batch's outputs go
            _count = 0;
            _index = 0;
            while (_count < _inputs.Length && _lead.MoveNext())
                _inputs[_count++] = _read();
            if (_count == 0)
            {
                _lag.MoveNext();
                return false;
            }
            _mapper.Map(_inputs.AsSpan(0, _count), _results.AsSpan(0, _count));
            Array.Clear(_inputs, 0, _count);
        }
        bool moved = _lag.MoveNext();
        if (_lead != null && !moved)
            throw new InvalidOperationException("The input view returned fewer rows on its second cursor; it must be deterministic.");
        return moved;
    }

    public override bool IsColumnActive(DataViewSchema.Column column)
    {
        int inputCount = _mapper.InputSchema.Count;
        return column.Index < inputCount ? _lag.IsColumnActive(_lag.Schema[column.Index]) : _activeOutputs[column.Index - inputCount];
    }

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) =>
        RowGetters.Get<TValue>(_mapper, _lag, _getters, column);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _lead?.Dispose();
            _lag.Dispose();
        }
        base.Dispose(disposing);
    }
}

/// <summary>Getter lookup shared by the cursor and the single row.</summary>
internal static class RowGetters
{
    public static ValueGetter<TValue> Get<TValue>(ColumnMapper mapper, DataViewRow input, Delegate[] getters, DataViewSchema.Column column)
    {
        int inputCount = mapper.InputSchema.Count;
        if (column.Index < inputCount)
            return input.GetGetter<TValue>(input.Schema[column.Index]);
        var getter = getters[column.Index - inputCount]
            ?? throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was created.");
        return getter as ValueGetter<TValue>
            ?? throw new InvalidOperationException(
                $"Invalid TValue in GetGetter for column '{column.Name}': expected {getter.GetType().GetGenericArguments()[0].Name}, got {typeof(TValue).Name}.");
    }
}

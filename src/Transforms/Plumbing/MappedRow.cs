using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>One row for <see cref="PredictionEngine{TSrc, TDst}"/>: computes the new columns when first read at each position.</summary>
internal sealed class MappedRow<TInput, TResult> : DataViewRow
{
    private readonly ColumnMapper<TInput, TResult> _mapper;
    private readonly DataViewRow _input;
    private readonly bool[] _activeOutputs;
    private readonly Delegate[] _getters;
    private readonly Func<TInput> _read;
    private readonly TInput[] _one = new TInput[1];
    private readonly TResult[] _result = new TResult[1];
    private long _computedAt = -1;

    public MappedRow(ColumnMapper<TInput, TResult> mapper, DataViewRow input, bool[] activeOutputs)
    {
        _mapper = mapper;
        _input = input;
        _activeOutputs = activeOutputs;
        _getters = new Delegate[activeOutputs.Length];
        if (activeOutputs.Any(a => a))
        {
            _read = mapper.CreateInputReader(input);
            for (int i = 0; i < activeOutputs.Length; i++)
                if (activeOutputs[i])
                    _getters[i] = mapper.CreateOutputGetter(i, Current);
        }
    }

    private TResult Current()
    {
        if (_computedAt != _input.Position || _input.Position < 0)
        {
            _one[0] = _read();
            _mapper.Map(_one, _result);
            _computedAt = _input.Position;
        }
        return _result[0];
    }

    public override DataViewSchema Schema => _mapper.OutputSchema;
    public override long Position => _input.Position;
    public override long Batch => _input.Batch;
    public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

    public override bool IsColumnActive(DataViewSchema.Column column)
    {
        int inputCount = _mapper.InputSchema.Count;
        return column.Index < inputCount ? _input.IsColumnActive(_input.Schema[column.Index]) : _activeOutputs[column.Index - inputCount];
    }

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) =>
        RowGetters.Get<TValue>(_mapper, _input, _getters, column);
}

/// <summary>The <see cref="IRowToRowMapper"/> of a <see cref="ContextualTransformerBase"/>.</summary>
internal sealed class SingleRowMapper : IRowToRowMapper
{
    private readonly ColumnMapper _mapper;

    public SingleRowMapper(ColumnMapper mapper) => _mapper = mapper;

    public DataViewSchema InputSchema => _mapper.InputSchema;
    public DataViewSchema OutputSchema => _mapper.OutputSchema;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        int inputCount = InputSchema.Count;
        var result = new SortedSet<int>();
        foreach (var c in dependingColumns)
        {
            if (c.Index < inputCount)
                result.Add(c.Index);
            else
                result.UnionWith(_mapper.Dependencies);
        }
        return result.Select(i => InputSchema[i]);
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        int inputCount = InputSchema.Count;
        var active = new bool[_mapper.OutputColumns.Count];
        foreach (var c in activeColumns)
            if (c.Index >= inputCount)
                active[c.Index - inputCount] = true;
        return _mapper.CreateRow(input, active);
    }
}

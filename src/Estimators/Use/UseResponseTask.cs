using Microsoft.ML;
using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>Response prediction with in-batch negatives: softmax over scale · cos(input_i, response_j), target j = i.</summary>
internal sealed class UseResponseTask : UseTrainingTask
{
    private readonly string _input, _response;
    private readonly double _scale;

    public UseResponseTask(string name, IDataView data, double weight, string input, string response, double scale) : base(name, data, weight)
    {
        if (!(scale > 0) || double.IsInfinity(scale))
            throw new ArgumentOutOfRangeException(nameof(scale), $"Task '{name}': scale is {scale}; it must be a positive number.");
        (_input, _response, _scale) = (input, response, scale);
    }

    internal override string Kind => "response prediction";

    internal override void CheckSchema(DataViewSchema schema, int dimension)
    {
        UseTaskColumns.RequireText(this, schema, _input, "input");
        UseTaskColumns.RequireText(this, schema, _response, "response");
    }

    internal override UseTaskData Load(int dimension, CancellationToken cancel)
    {
        CheckSchema(Data.Schema, dimension);
        var a = Data.Schema[_input];
        var b = Data.Schema[_response];
        var (rows, skipped) = UseTaskColumns.Read<string[]>(this, [a, b], row =>
        {
            var ra = UseTaskColumns.Text(row, a);
            var rb = UseTaskColumns.Text(row, b);
            return () =>
            {
                string x = ra(), y = rb();
                return UseTaskColumns.Empty(x) || UseTaskColumns.Empty(y) ? null : new[] { x, y };
            };
        }, cancel);
        return new Examples(rows.Select(r => r[0]).ToArray(), rows.Select(r => r[1]).ToArray(), _scale) { Skipped = skipped };
    }

    private sealed class Examples(string[] inputs, string[] responses, double scale) : UseTaskData
    {
        public override int Count => inputs.Length;
        public override IEnumerable<string> Texts => inputs.Concat(responses);

        public override Tensor Loss(IUseTrainable model, int[] rows, Random rng)
        {
            using var scope = NewDisposeScope();
            var (u, v) = UseTaskColumns.EmbedPairs(model, rows.Select(i => inputs[i]).ToArray(), rows.Select(i => responses[i]).ToArray(), rng);
            var un = nn.functional.normalize(u, p: 2, dim: 1);
            var vn = nn.functional.normalize(v, p: 2, dim: 1);
            var logits = un.matmul(vn.t()).mul(scale);                          // (B, B)
            using var target = arange(rows.Length, ScalarType.Int64);
            return nn.functional.cross_entropy(logits, target).MoveToOuterDisposeScope();
        }
    }
}

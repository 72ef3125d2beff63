using Microsoft.ML;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace MLNetContextual;

/// <summary>Distillation: mean squared Euclidean distance between the sentence vector and a teacher's vector of the same text.</summary>
internal sealed class UseDistillationTask : UseTrainingTask
{
    private readonly string _text, _teacher;

    public UseDistillationTask(string name, IDataView data, double weight, string text, string teacher) : base(name, data, weight)
        => (_text, _teacher) = (text, teacher);

    internal override string Kind => "distillation";

    internal override void CheckSchema(DataViewSchema schema, int dimension)
    {
        UseTaskColumns.RequireText(this, schema, _text, "text");
        var c = UseTaskColumns.Require(this, schema, _teacher, "teacher", $"Vector<Single, {dimension}>",
            t => t is VectorDataViewType v && v.ItemType == NumberDataViewType.Single && v.IsKnownSize);
        int size = ((VectorDataViewType)c.Type).Size;
        if (size != dimension)
            throw new ArgumentOutOfRangeException("teacher",
                $"Task '{Name}' ({Kind}): teacher column '{_teacher}' has {size} dimensions; the encoder's OutputDimension is {dimension}. They must match (set OutputDimension to {size}).");
    }

    internal override UseTaskData Load(int dimension, CancellationToken cancel)
    {
        CheckSchema(Data.Schema, dimension);
        var a = Data.Schema[_text];
        var t = Data.Schema[_teacher];
        var (rows, skipped) = UseTaskColumns.Read<Row>(this, [a, t], row =>
        {
            var ra = UseTaskColumns.Text(row, a);
            var g = row.GetGetter<VBuffer<float>>(t);
            VBuffer<float> v = default;
            return () =>
            {
                string x = ra();
                g(ref v);
                var dense = new float[dimension];
                v.CopyTo(dense);
                return UseTaskColumns.Empty(x) || !dense.All(float.IsFinite) ? null : new Row(x, dense);
            };
        }, cancel);
        return new Examples(rows.Select(r => r.Text).ToArray(), rows.Select(r => r.Teacher).ToArray()) { Skipped = skipped };
    }

    private sealed record Row(string Text, float[] Teacher);

    private sealed class Examples(string[] texts, float[][] teachers) : UseTaskData
    {
        public override int Count => texts.Length;
        public override IEnumerable<string> Texts => texts;

        public override Tensor Loss(IUseTrainable model, int[] rows, Random rng)
        {
            using var scope = NewDisposeScope();
            var u = model.Embed(rows.Select(i => texts[i]).ToArray(), rng, training: true);
            int d = teachers[0].Length;
            var flat = new float[rows.Length * d];
            for (int k = 0; k < rows.Length; k++)
                teachers[rows[k]].CopyTo(flat, k * d);
            using var target = tensor(flat, [rows.Length, d]);
            return nn.functional.mse_loss(u, target).mul(d).MoveToOuterDisposeScope();   // mean squared distance
        }
    }
}

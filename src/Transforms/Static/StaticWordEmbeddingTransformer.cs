using System.Runtime.InteropServices;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetContextual;

/// <summary>
/// Maps a token column (<c>Vector&lt;String&gt;</c>) to static word vectors, pooled per row (<see cref="StaticEmbeddingPooling"/>).
/// Tokens are looked up exactly (case-sensitive). Out-of-vocabulary tokens are skipped in pooling; a row whose tokens are
/// all unknown (or that has none) gets the zero vector. With <see cref="StaticEmbeddingPooling.None"/> the output holds
/// tokens × D floats, zeros for unknown tokens. The vectors are saved inside the ML.NET model zip, so a saved model
/// needs neither the original vector file nor the corpus it was learned from.
/// </summary>
public sealed class StaticWordEmbeddingTransformer : ContextualTransformerBase
{
    private const string VectorsEntry = "StaticEmbeddings.bin";

    internal StaticWordEmbeddingTransformer(string outputColumnName, string inputColumnName, StaticEmbeddings embeddings, StaticEmbeddingPooling pooling)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputColumnName);
        ArgumentNullException.ThrowIfNull(embeddings);
        StaticWordEmbeddingOptions.CheckPooling(pooling, nameof(pooling));
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName ?? outputColumnName;
        Embeddings = embeddings;
        Pooling = pooling;
    }

    /// <summary>The vector column created.</summary>
    public string OutputColumnName { get; }

    /// <summary>The token column read.</summary>
    public string InputColumnName { get; }

    /// <summary>The word vectors (loaded or learned); query them with MostSimilar, Similarity, Analogy, or export them.</summary>
    public StaticEmbeddings Embeddings { get; }

    /// <summary>How token vectors are pooled.</summary>
    public StaticEmbeddingPooling Pooling { get; }

    /// <summary>Length of the output vector (0 with <see cref="StaticEmbeddingPooling.None"/>, whose length varies).</summary>
    public int OutputSize => OutputLength(Pooling, Embeddings.Dimension);

    internal static int OutputLength(StaticEmbeddingPooling pooling, int dimension) => pooling switch
    {
        StaticEmbeddingPooling.Mean => dimension,
        StaticEmbeddingPooling.MinMeanMax => 3 * dimension,
        _ => 0,
    };

    /// <summary>The input column check shared by this transformer's estimators, with ML.NET's wording.</summary>
    internal static DataViewSchema.Column RequireTokens(DataViewSchema schema, string name) =>
        SchemaChecks.Require(schema, name, "Vector<String>", t => t is VectorDataViewType { ItemType: TextDataViewType });

    /// <summary>What <c>GetOutputSchema</c> promises, shared by this transformer's estimators.</summary>
    internal static SchemaShape OutputShape(SchemaShape input, string outputColumnName, string inputColumnName, StaticEmbeddingPooling pooling)
    {
        SchemaChecks.Require(input, inputColumnName, "Vector<String>",
            c => c.Kind != SchemaShape.Column.VectorKind.Scalar && c.ItemType is TextDataViewType);
        return SchemaShapes.With(input, SchemaShapes.Vector(outputColumnName, NumberDataViewType.Single, knownSize: pooling != StaticEmbeddingPooling.None));
    }

    internal override ColumnMapper CreateMapper(DataViewSchema inputSchema) => new Mapper(this, inputSchema);

    internal override void SaveModel(ModelWriter writer)
    {
        var w = writer.Writer;
        w.Write(OutputColumnName);
        w.Write(InputColumnName);
        w.Write((int)Pooling);
        writer.WriteBlob(VectorsEntry, b => StaticEmbeddingsBlob.Write(b, Embeddings));
    }

    internal static StaticWordEmbeddingTransformer LoadModel(ModelReader reader)
    {
        if (reader.FormatVersion != 1)
            throw new InvalidDataException($"This static word-embedding model has format {reader.FormatVersion}; this version of MLNetContextual reads format 1. Update the package.");
        var r = reader.Reader;
        string output = r.ReadString(), input = r.ReadString();
        var pooling = (StaticEmbeddingPooling)r.ReadInt32();
        if (!Enum.IsDefined(pooling))
            throw new InvalidDataException($"This static word-embedding model's pooling is {(int)pooling}; expected one of {string.Join(", ", Enum.GetNames<StaticEmbeddingPooling>())}. The zip is corrupt.");
        StaticEmbeddings embeddings = null;
        reader.ReadBlob(VectorsEntry, b => embeddings = StaticEmbeddingsBlob.Read(b.BaseStream, VectorsEntry));
        return new StaticWordEmbeddingTransformer(output, input, embeddings, pooling);
    }

    /// <summary>Pools the vectors of the rows <paramref name="ids"/> (−1: unknown) into a new output vector.</summary>
    internal float[] Embed(int[] ids)
    {
        int d = Embeddings.Dimension;
        if (Pooling == StaticEmbeddingPooling.None)
        {
            var flat = new float[ids.Length * d];
            for (int t = 0; t < ids.Length; t++)
                if (ids[t] >= 0) Embeddings.Row(ids[t]).CopyTo(flat.AsSpan(t * d, d));
            return flat;
        }

        var result = new float[OutputLength(Pooling, d)];
        bool minMeanMax = Pooling == StaticEmbeddingPooling.MinMeanMax;
        var mean = minMeanMax ? result.AsSpan(d, d) : result.AsSpan();
        var min = minMeanMax ? result.AsSpan(0, d) : default;
        var max = minMeanMax ? result.AsSpan(2 * d, d) : default;
        int known = 0;
        foreach (int id in ids)
        {
            if (id < 0) continue;
            var v = Embeddings.Row(id);
            if (minMeanMax)
            {
                if (known == 0)
                {
                    v.CopyTo(min);
                    v.CopyTo(max);
                }
                else
                {
                    for (int i = 0; i < d; i++)
                    {
                        if (v[i] < min[i]) min[i] = v[i];
                        if (v[i] > max[i]) max[i] = v[i];
                    }
                }
            }
            VectorMath.AddScaled(1f, v, mean);
            known++;
        }
        if (known > 1)
            for (int i = 0; i < d; i++) mean[i] /= known;
        return result;
    }

    private sealed class Mapper : ColumnMapper<int[], float[]>
    {
        private readonly StaticWordEmbeddingTransformer _parent;
        private readonly DataViewSchema.Column _input;
        private readonly DataViewSchema.DetachedColumn[] _outputs;

        public Mapper(StaticWordEmbeddingTransformer parent, DataViewSchema inputSchema) : base(inputSchema)
        {
            _parent = parent;
            _input = RequireTokens(inputSchema, parent.InputColumnName);
            var type = parent.Pooling == StaticEmbeddingPooling.None
                ? new VectorDataViewType(NumberDataViewType.Single)
                : new VectorDataViewType(NumberDataViewType.Single, parent.OutputSize);
            _outputs = [new(parent.OutputColumnName, type)];
        }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns => _outputs;

        public override IReadOnlyList<int> Dependencies => [_input.Index];

        public override int BatchSize => 64;

        /// <summary>Reads the row's tokens as vocabulary rows (−1 for unknown tokens), without allocating strings.</summary>
        public override Func<int[]> CreateInputReader(DataViewRow row)
        {
            var getter = row.GetGetter<VBuffer<ReadOnlyMemory<char>>>(_input);
            var lookup = _parent.Embeddings.SpanLookup;
            var tokens = default(VBuffer<ReadOnlyMemory<char>>);
            return () =>
            {
                getter(ref tokens);
                var values = tokens.GetValues();
                var ids = new int[values.Length];
                for (int i = 0; i < ids.Length; i++)
                    ids[i] = lookup.TryGetValue(values[i].Span, out int id) ? id : -1;
                return ids;
            };
        }

        public override void Map(ReadOnlySpan<int[]> inputs, Span<float[]> results)
        {
            for (int i = 0; i < inputs.Length; i++)
                results[i] = _parent.Embed(inputs[i]);
        }

        public override Delegate CreateOutputGetter(int index, Func<float[]> current) => VectorGetters.Floats(current);
    }
}

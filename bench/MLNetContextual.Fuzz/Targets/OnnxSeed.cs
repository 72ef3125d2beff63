using System.Text;

namespace MLNetContextual.Fuzzing;

/// <summary>
/// Writes a tiny BERT ONNX export (1 layer, hidden 4, 2 heads, intermediate 8, vocabulary 12) with the shape of the
/// Hugging Face exports the importer reads: named embeddings, biases and LayerNorm parameters; anonymous MatMul weights
/// stored [in, out] and followed by an Add with the named bias; a head-splitting Reshape(x, Concat(b, t, heads,
/// headSize)); an Erf (gelu); a LayerNormalization with its epsilon.
/// </summary>
internal static class OnnxSeed
{
    public const int Hidden = 4, Heads = 2, Intermediate = 8, Vocab = 12, Positions = 8, Types = 2;

    public static byte[] TinyBert(int seed = 1)
    {
        var rng = new Random(seed);
        var graph = new List<byte[]>();
        void Init(string name, params long[] dims)
        {
            long n = dims.Aggregate(1L, (a, d) => a * d);
            var raw = new byte[4 * n];
            for (int i = 0; i < n; i++) BitConverter.GetBytes((float)(rng.NextDouble() - 0.5)).CopyTo(raw, 4 * i);
            graph.Add(Field(5, Tensor(name, 1, dims, raw)));
        }
        void Int64Init(string name, long value) => graph.Add(Field(5, Tensor(name, 7, [], BitConverter.GetBytes(value))));
        void Node(string op, string name, string[] inputs, string[] outputs, byte[] attribute = null)
        {
            var node = new List<byte>();
            foreach (var i in inputs) node.AddRange(Field(1, Encoding.UTF8.GetBytes(i)));
            foreach (var o in outputs) node.AddRange(Field(2, Encoding.UTF8.GetBytes(o)));
            node.AddRange(Field(3, Encoding.UTF8.GetBytes(name)));
            node.AddRange(Field(4, Encoding.UTF8.GetBytes(op)));
            if (attribute != null) node.AddRange(Field(5, attribute));
            graph.Add(Field(1, [.. node]));
        }

        Init("embeddings.word_embeddings.weight", Vocab, Hidden);
        Init("embeddings.position_embeddings.weight", Positions, Hidden);
        Init("embeddings.token_type_embeddings.weight", Types, Hidden);
        Init("embeddings.LayerNorm.weight", Hidden);
        Init("embeddings.LayerNorm.bias", Hidden);
        const string L = "encoder.layer.0.";
        var dense = new (string Bias, int In, int Out)[]
        {
            (L + "attention.self.query.bias", Hidden, Hidden), (L + "attention.self.key.bias", Hidden, Hidden),
            (L + "attention.self.value.bias", Hidden, Hidden), (L + "attention.output.dense.bias", Hidden, Hidden),
            (L + "intermediate.dense.bias", Hidden, Intermediate), (L + "output.dense.bias", Intermediate, Hidden),
            ("pooler.dense.bias", Hidden, Hidden),
        };
        int k = 0;
        foreach (var (bias, inSize, outSize) in dense)
        {
            string w = $"onnx::MatMul_{100 + k++}";
            Init(w, inSize, outSize);
            Init(bias, outSize);
            Node("MatMul", $"MatMul_{k}", ["x", w], [$"mm_{k}"]);
            Node("Add", $"Add_{k}", [bias, $"mm_{k}"], [$"add_{k}"]);
        }
        foreach (var ln in new[] { L + "attention.output.LayerNorm.", L + "output.LayerNorm." })
        {
            Init(ln + "weight", Hidden);
            Init(ln + "bias", Hidden);
        }
        Int64Init("const_batch", 0);
        Int64Init("const_time", -1);
        Int64Init("const_heads", Heads);
        Int64Init("const_head_size", Hidden / Heads);
        Node("Concat", "Concat_1", ["const_batch", "const_time", "const_heads", "const_head_size"], ["shape_1"]);
        Node("Reshape", "Reshape_1", ["add_1", "shape_1"], ["heads_1"]);
        Node("Erf", "Erf_1", ["add_5"], ["erf_1"]);
        var epsilon = new List<byte>();
        epsilon.AddRange(Field(1, Encoding.UTF8.GetBytes("epsilon")));
        epsilon.Add((2 << 3) | 5);
        epsilon.AddRange(BitConverter.GetBytes(1e-12f));
        Node("LayerNormalization", "LayerNorm_1", ["x", "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias"], ["ln_1"], [.. epsilon]);

        var model = new List<byte>();
        model.Add((1 << 3) | 0);   // ir_version 8
        model.Add(8);
        model.AddRange(Field(7, graph.SelectMany(b => b).ToArray()));
        return [.. model];
    }

    private static byte[] Tensor(string name, int type, long[] dims, byte[] raw)
    {
        var t = new List<byte>();
        foreach (long d in dims) { t.Add((1 << 3) | 0); t.AddRange(Varint((ulong)d)); }
        t.Add((2 << 3) | 0);
        t.AddRange(Varint((ulong)type));
        t.AddRange(Field(8, Encoding.UTF8.GetBytes(name)));
        t.AddRange(Field(9, raw));
        return [.. t];
    }

    private static byte[] Field(int number, byte[] payload) => [.. Varint(((ulong)number << 3) | 2), .. Varint((ulong)payload.Length), .. payload];

    private static byte[] Varint(ulong v)
    {
        var bytes = new List<byte>();
        do
        {
            byte b = (byte)(v & 0x7F);
            v >>= 7;
            bytes.Add(v != 0 ? (byte)(b | 0x80) : b);
        } while (v != 0);
        return [.. bytes];
    }
}

using System.Globalization;
using System.Text;
using MLNetContextual.Torch.Import;

namespace MLNetContextual.Fuzzing;

/// <summary>Every reader the library has for files it does not write itself, except ONNX Runtime sessions.</summary>
internal static class FuzzTargets
{
    private static readonly UTF8Encoding Utf8 = new(false);

    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("word2vec-binary", () => [Word2VecBinary(Table(4, 3, 1)), Word2VecBinary(Table(6, 5, 2)), Word2VecBinary(Table(2, 1, 3))], StaticVectors),
        new("word2vec-text", () => [Text(Table(4, 3, 1), header: true, trailingSpace: false), Text(Table(5, 2, 2), header: true, trailingSpace: false, crlf: true)], StaticVectors),
        new("glove", () => [Text(Table(4, 3, 1), header: false, trailingSpace: false), Text(Table(3, 2, 2), header: false, trailingSpace: false, bom: true),
                            Utf8.GetBytes("the 0.1 0.2\nnew york 1.5 -2.5\n, 3 4\n")], StaticVectors),
        new("fasttext-vec", () => [Text(Table(4, 3, 1), header: true, trailingSpace: true), Text(Table(3, 4, 5), header: true, trailingSpace: true, bom: true)], StaticVectors),
        new("static-blob", () => [Blob(Table(4, 3, 1)), Blob(Table(7, 2, 4)), Blob(new StaticEmbeddings(["a", "b"], [float.NaN, 1, 2, 3], 2))], StaticBlob),
        new("vocab", () => [Vocab("\n"), Vocab("\r\n"), [0xEF, 0xBB, 0xBF, .. Vocab("\n")]], VocabFile),
        new("safetensors", () => [SafetensorsSeed(1), SafetensorsSeed(2)], SafetensorsFile),
        new("hf-config", () => [Utf8.GetBytes(TinyConfig.ToJson()), Utf8.GetBytes("{\"model_type\":\"bert\",\"hidden_size\":8,\"num_attention_heads\":2,\"hidden_act\":\"gelu_new\"}")], HfConfig),
        new("onnx", () => [OnnxSeed.TinyBert(1), OnnxSeed.TinyBert(2)], Onnx),
        new("pytorch-bin", () => [PyTorchStateDict(1)], PyTorchBin),
    ];

    public static FuzzTarget Get(string name) => All.FirstOrDefault(t => t.Name == name)
        ?? throw new ArgumentException($"Unknown fuzz target '{name}'; targets: {string.Join(", ", All.Select(t => t.Name))}.", nameof(name));

    internal static readonly BertConfig TinyConfig = new()
    {
        VocabSize = 12, HiddenSize = 4, NumHiddenLayers = 1, NumAttentionHeads = 2, IntermediateSize = 8, MaxPositionEmbeddings = 8, TypeVocabSize = 2,
    };

    // ---- runs ----

    private static void StaticVectors(byte[] input)
    {
        var e = StaticEmbeddings.Load(new MemoryStream(input), StaticEmbeddingsFormat.Auto, "fuzz-input");
        e.MostSimilar(e.Words[0], 2);
    }

    private static void StaticBlob(byte[] input)
    {
        var e = StaticEmbeddingsBlob.Read(new MemoryStream(input), "StaticEmbeddings.bin");
        e.Similarity(e.Words[0], e.Words[^1]);
    }

    private static void VocabFile(byte[] input)
    {
        var t = BertTextTokenizer.Load(new MemoryStream(input), lowerCase: true, "fuzz-vocab.txt");
        t.Encode("Hello, unaffable wörld! [MASK] 東京", 32);
        t.EncodePair("first text", "second ##piece", 16);
    }

    private static void SafetensorsFile(byte[] input) => Torch.Import.Safetensors.Read(new MemoryStream(input), "fuzz.safetensors");

    private static void HfConfig(byte[] input) => HuggingFaceCheckpoint.ReadConfig(HuggingFaceJson.Decode(input, "config.json"), "config.json");

    private static void Onnx(byte[] input) => OnnxBertImporter.Import(OnnxGraph.Parse(input, "fuzz.onnx"), "fuzz.onnx");

    [ThreadStatic] private static string t_pickleFile;

    private static void PyTorchBin(byte[] input)
    {
        t_pickleFile ??= Path.Combine(Path.GetTempPath(), $"mlnetctx-fuzz-{Environment.ProcessId}-{Environment.CurrentManagedThreadId}-pytorch_model.bin");
        File.WriteAllBytes(t_pickleFile, input);
        HuggingFaceCheckpoint.ReadPickle(t_pickleFile);
    }

    // ---- seeds ----

    private static StaticEmbeddings Table(int count, int dimension, int seed)
    {
        var rng = new Random(seed);
        var words = Enumerable.Range(0, count).Select(i => i switch { 0 => "king", 1 => "queen", 2 => "</s>", 3 => "naïve", _ => "w" + i }).ToArray();
        var vectors = Enumerable.Range(0, count * dimension).Select(_ => (float)Math.Round(rng.NextDouble() * 2 - 1, 4)).ToArray();
        return new StaticEmbeddings(words, vectors, dimension);
    }

    private static byte[] Word2VecBinary(StaticEmbeddings e)
    {
        string path = Path.GetTempFileName();
        try
        {
            e.SaveWord2VecBinary(path);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static byte[] Text(StaticEmbeddings e, bool header, bool trailingSpace, bool crlf = false, bool bom = false)
    {
        var sb = new StringBuilder();
        string nl = crlf ? "\r\n" : "\n";
        if (header) sb.Append(CultureInfo.InvariantCulture, $"{e.Count} {e.Dimension}{nl}");
        foreach (var w in e.Words)
        {
            sb.Append(w);
            foreach (float x in e.GetVector(w)) sb.Append(' ').Append(x.ToString("R", CultureInfo.InvariantCulture));
            if (trailingSpace) sb.Append(' ');
            sb.Append(nl);
        }
        byte[] text = Utf8.GetBytes(sb.ToString());
        return bom ? [0xEF, 0xBB, 0xBF, .. text] : text;
    }

    private static byte[] Blob(StaticEmbeddings e)
    {
        using var m = new MemoryStream();
        using (var w = new BinaryWriter(m, Encoding.UTF8, leaveOpen: true)) StaticEmbeddingsBlob.Write(w, e);
        return m.ToArray();
    }

    private static byte[] Vocab(string newline) =>
        Utf8.GetBytes(string.Join(newline, ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", ",", "!", "un", "##aff", "##able", "w", "##ö", "##rld", "first", "second", "text", "##piece", "東"]) + newline);

    private static byte[] SafetensorsSeed(int seed)
    {
        var rng = new Random(seed);
        var weights = new Dictionary<string, WeightTensor>
        {
            ["embeddings.word_embeddings.weight"] = new([3, 2], [.. Enumerable.Range(0, 6).Select(_ => (float)rng.NextDouble())]),
            ["encoder.layer.0.output.dense.bias"] = new([2], [1f, -1f]),
            ["pooler.dense.weight"] = new([2, 2], [0.5f, 0.25f, -0.5f, 2f]),
        };
        string path = Path.GetTempFileName();
        try
        {
            Torch.Import.Safetensors.Write(path, weights, new Dictionary<string, string> { ["format"] = "pt" });
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static byte[] PyTorchStateDict(int seed)
    {
        Torch.TorchRuntime.EnsureLoaded();
        TorchSharp.torch.manual_seed(seed);
        string path = Path.Combine(Path.GetTempPath(), $"mlnetctx-fuzz-seed-{Environment.ProcessId}-{seed}.bin");
        try
        {
            using (var module = TorchSharp.torch.nn.Linear(3, 2))
                TorchSharp.PyBridge.PyBridgeModuleExtensions.save_py(module, path);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

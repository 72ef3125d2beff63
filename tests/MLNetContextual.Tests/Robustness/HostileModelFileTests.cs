using System.Text;
using MLNetContextual.Fuzzing;
using MLNetContextual.Torch.Import;

namespace MLNetContextual.Tests.Robustness;

/// <summary>Bounded, validated readers of vocab.txt, safetensors, config.json, ONNX (weight import) and pytorch_model.bin.</summary>
public class HostileModelFileTests
{
    private const string Specials = "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\n";

    // ---- vocab.txt ----

    [Fact]
    public void Vocab_WithBom_DoesNotRenameTheFirstToken()
    {
        using var dir = new TempFolder();
        string path = dir.File("vocab.txt");
        File.WriteAllText(path, Specials, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        var t = BertTextTokenizer.Load(path);
        Assert.Equal(0, t.PadId);
        Assert.Equal(5, t.VocabularySize);
    }

    [Fact]
    public void Vocab_Binary_IsAClearError()
    {
        using var dir = new TempFolder();
        string path = dir.File("vocab.txt");
        File.WriteAllBytes(path, [.. Encoding.ASCII.GetBytes(Specials), 0x08, 0x00, 0x12]);
        var e = Assert.Throws<InvalidDataException>(() => BertTextTokenizer.Load(path));
        Assert.Equal($"Line 6 of the vocab '{path}' contains a NUL character (at column 2): expected a text file with one token per line; found binary data. Is it the model file rather than vocab.txt?", e.Message);
    }

    [Fact]
    public void Vocab_InvalidUtf8_IsAClearError()
    {
        using var dir = new TempFolder();
        string path = dir.File("vocab.txt");
        File.WriteAllBytes(path, [.. Encoding.ASCII.GetBytes(Specials), 0xC3, 0x28, 0x0A]);
        var e = Assert.Throws<InvalidDataException>(() => BertTextTokenizer.Load(path));
        Assert.Equal($"Line 6 of the vocab '{path}' (byte 30) is not valid UTF-8: expected UTF-8 text, found the byte 0xC3.", e.Message);
    }

    [Fact]
    public void Vocab_WithoutSpecials_NamesTheFile()
    {
        using var dir = new TempFolder();
        string path = dir.File("vocab.txt");
        File.WriteAllText(path, "[PAD]\nhello\n");
        var e = Assert.Throws<InvalidDataException>(() => BertTextTokenizer.Load(path));
        Assert.Equal($"The vocab '{path}' (2 lines) has no [UNK] token; a BERT vocab.txt needs [PAD], [UNK], [CLS] and [SEP].", e.Message);
    }

    [Fact]
    public void Vocab_Missing_IsFileNotFound()
    {
        var e = Assert.Throws<FileNotFoundException>(() => BertTextTokenizer.Load("/no/such/vocab.txt"));
        Assert.Equal("Could not find the vocab file '/no/such/vocab.txt'.", e.Message);
    }

    // ---- safetensors ----

    private static byte[] SafetensorsFile(string header, int dataBytes)
    {
        var h = Encoding.UTF8.GetBytes(header);
        return [.. BitConverter.GetBytes((long)h.Length), .. h, .. new byte[dataBytes]];
    }

    [Fact]
    public void Safetensors_HugeHeaderLength_FailsBeforeAllocating()
    {
        byte[] file = [.. BitConverter.GetBytes(long.MaxValue), .. "{}"u8];
        var e = Assert.Throws<InvalidDataException>(() => Safetensors.Read(new MemoryStream(file), "m.safetensors"));
        Assert.Equal("'m.safetensors' is not a safetensors file: byte 0 holds a header length of 9223372036854775807; expected 2 to 2 for a 10-byte file.", e.Message);
    }

    [Fact]
    public void Safetensors_ShapeClaimingMoreThanTheData_IsAnError()
    {
        var file = SafetensorsFile("{\"w\":{\"dtype\":\"F32\",\"shape\":[100000,10000],\"data_offsets\":[0,8]}}", 8);
        var e = Assert.Throws<InvalidDataException>(() => Safetensors.Read(new MemoryStream(file), "m.safetensors"));
        Assert.Equal("Tensor 'w' in the header of 'm.safetensors': data_offsets [0, 8] do not fit F32 shape [100000, 10000] (4000000000 bytes) in the 8-byte data section.", e.Message);
    }

    [Fact]
    public void Safetensors_TrailingDataAndHoles_AreErrors()
    {
        var trailing = SafetensorsFile("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 12);
        var e = Assert.Throws<InvalidDataException>(() => Safetensors.Read(new MemoryStream(trailing), "m.safetensors"));
        Assert.StartsWith("'m.safetensors' has 8 bytes after its last tensor (data byte 4, file byte ", e.Message);

        var hole = SafetensorsFile("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8);
        e = Assert.Throws<InvalidDataException>(() => Safetensors.Read(new MemoryStream(hole), "m.safetensors"));
        Assert.Equal("Tensor 'w' in 'm.safetensors' starts at data byte 4; expected 0 (tensors must cover the data section without holes or overlaps).", e.Message);
    }

    [Fact]
    public void Safetensors_NaN_IsAnError()
    {
        var file = SafetensorsFile("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 0);
        file = [.. file, .. BitConverter.GetBytes(1f), .. BitConverter.GetBytes(float.NaN)];
        var e = Assert.Throws<InvalidDataException>(() => Safetensors.Read(new MemoryStream(file), "m.safetensors"));
        Assert.Equal($"Tensor 'w' in 'm.safetensors': value 1 (file byte {file.Length - 4}) is NaN; expected finite weights.", e.Message);
    }

    [Fact]
    public void Safetensors_BadJson_NamesTheLineAndByte()
    {
        var file = SafetensorsFile("{\"w\": [", 0);
        var e = Assert.Throws<InvalidDataException>(() => Safetensors.Read(new MemoryStream(file), "m.safetensors"));
        Assert.StartsWith("The header of 'm.safetensors' (bytes 8 to 15) is not valid JSON: line 1, byte ", e.Message);
    }

    // ---- config.json ----

    [Theory]
    [InlineData("{\"hidden_size\": \"big\"}", "is not a valid BERT config.json: hidden_size is \"big\"; expected a whole number.")]
    [InlineData("{\"hidden_size\": 1e99}", "is not a valid BERT config.json: hidden_size is 1e99; expected a whole number.")]
    [InlineData("{\"hidden_size\": null}", "is not a valid BERT config.json: hidden_size is null; expected a whole number.")]
    [InlineData("{\"hidden_act\": 3}", "is not a valid BERT config.json: hidden_act is 3; expected a string.")]
    [InlineData("{\"layer_norm_eps\": \"tiny\"}", "is not a valid BERT config.json: layer_norm_eps is \"tiny\"; expected a finite number.")]
    [InlineData("{\"hidden_size\": 32,", "is not a valid BERT config.json: line 1, byte ")]
    [InlineData("{\"hidden_size\": 768, \"num_attention_heads\": 7}", "is invalid: HiddenSize 768 is not a multiple of NumAttentionHeads 7.")]
    [InlineData("{\"layer_norm_eps\": -1}", "is invalid: layer_norm_eps is -1; expected a finite positive number.")]
    [InlineData("[1, 2]", "is a JSON Array; expected an object of BERT settings.")]
    public void Config_Malformed_IsAnInvalidDataException(string json, string expected)
    {
        using var dir = new TempFolder();
        string path = dir.File("config.json");
        File.WriteAllText(path, json);
        var e = Assert.Throws<InvalidDataException>(() => HuggingFaceCheckpoint.ReadConfig(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Config_MissingFile_IsNamed_AndAbsentFieldsTakeBertBaseValues()
    {
        using var dir = new TempFolder();
        var e = Assert.Throws<FileNotFoundException>(() => HuggingFaceCheckpoint.ReadFolderConfig(dir.Path));
        Assert.Equal($"'{dir.Path}' has no config.json.", e.Message);
        Assert.Throws<FileNotFoundException>(() => BertCheckpoint.FromHuggingFace(WriteVocab(dir)));   // at construction, not at Fit

        File.WriteAllText(dir.File("config.json"), "\uFEFF{\"hidden_size\": 32, \"num_attention_heads\": 4}");   // save_pretrained's diff form; a BOM
        var (config, _) = HuggingFaceCheckpoint.ReadFolderConfig(dir.Path);
        Assert.Equal(new BertConfig { HiddenSize = 32, NumAttentionHeads = 4 }, config);
    }

    [Fact]
    public void CheckpointFolder_BadTokenizerConfig_NamesTheField()
    {
        using var dir = new TempFolder();
        WriteVocab(dir);
        File.WriteAllText(dir.File("config.json"), MLNetContextual.Tests.Torch.BertModelTests.Tiny.ToJson());
        File.WriteAllText(dir.File("tokenizer_config.json"), "{\"do_lower_case\": \"yes\"}");
        var e = Assert.Throws<InvalidDataException>(() => BertCheckpoint.FromHuggingFace(dir.Path));
        Assert.Equal($"{dir.File("tokenizer_config.json")} is not a valid tokenizer_config.json: do_lower_case is \"yes\"; expected true or false.", e.Message);
        File.WriteAllText(dir.File("config.json"), "{\"num_hidden_layers\": -2}");
        e = Assert.Throws<InvalidDataException>(() => BertCheckpoint.FromHuggingFace(dir.Path, lowerCase: true));
        Assert.Contains("BertConfig.NumHiddenLayers is -2; it must be positive.", e.Message);
    }

    [Fact]
    public void OnnxFolder_BadConfigFields_NameTheFileAndField()
    {
        using var dir = new TempFolder();
        string model = dir.File("model.onnx");
        File.WriteAllBytes(model, [0]);   // not read by FromOnnx
        WriteVocab(dir);
        File.WriteAllText(dir.File("config.json"), "{\"max_position_embeddings\": \"512\"}");
        var e = Assert.Throws<InvalidDataException>(() => ContextualEncoder.FromOnnx(model));
        Assert.Equal($"{dir.File("config.json")} is not a valid config.json: max_position_embeddings is \"512\"; expected a whole number from 1 to 2147483647.", e.Message);
        File.WriteAllText(dir.File("config.json"), "{\"max_position_embeddings\": 128");
        e = Assert.Throws<InvalidDataException>(() => ContextualEncoder.FromOnnx(model));
        Assert.StartsWith($"{dir.File("config.json")} is not a valid config.json: line 1, byte ", e.Message);
        File.WriteAllText(dir.File("config.json"), "{\"max_position_embeddings\": 128}");
        File.WriteAllText(dir.File("tokenizer_config.json"), "{\"do_lower_case\": null}");
        e = Assert.Throws<InvalidDataException>(() => ContextualEncoder.FromOnnx(model));
        Assert.EndsWith("tokenizer_config.json: do_lower_case is null; expected true or false.", e.Message);
        File.WriteAllText(dir.File("tokenizer_config.json"), "{\"do_lower_case\": false}");
        var encoder = ContextualEncoder.FromOnnx(model);
        Assert.Equal(128, encoder.MaxPositions);
        Assert.False(encoder.LowerCase);
    }

    private static string WriteVocab(TempFolder dir)
    {
        File.WriteAllText(dir.File("vocab.txt"), Specials);
        return dir.Path;
    }

    [Fact]
    public void Config_OverstatingSizes_IsCaughtAgainstTheWeights_BeforeBuildingAModel()
    {
        using var dir = new TempFolder();
        using (var model = new BertModel(MLNetContextual.Tests.Torch.BertModelTests.Tiny)) BertWeights.SaveHuggingFace(model, dir.Path);
        File.WriteAllText(dir.File("config.json"), (MLNetContextual.Tests.Torch.BertModelTests.Tiny with { MaxPositionEmbeddings = 1024 }).ToJson());
        var e = Assert.Throws<InvalidDataException>(() => BertWeights.FromHuggingFace(dir.Path));
        Assert.Equal($"Weight 'embeddings.position_embeddings.weight' in '{dir.File("model.safetensors")} with {dir.File("config.json")}' has shape [512, 32]; "
            + "the configuration (vocab_size 99, hidden_size 32, max_position_embeddings 1024, type_vocab_size 16, intermediate_size 37) expects [1024, 32].", e.Message);

        File.WriteAllText(dir.File("config.json"), (MLNetContextual.Tests.Torch.BertModelTests.Tiny with { NumHiddenLayers = 100_000 }).ToJson());
        e = Assert.Throws<InvalidDataException>(() => BertWeights.FromHuggingFace(dir.Path));
        Assert.EndsWith("has weights for 2 encoder layers; the configuration says num_hidden_layers 100000: no weights for encoder.layer.2.", e.Message);
    }

    // ---- ONNX (weight import) ----

    [Fact]
    public void Onnx_LengthBeyondTheFile_NamesTheOffset()
    {
        byte[] model = [(7 << 3) | 2, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 1, 2, 3];   // graph field claiming 2 GB
        var e = Assert.Throws<InvalidDataException>(() => OnnxGraph.Parse(model, "m.onnx"));
        Assert.Equal("ONNX model 'm.onnx', byte 1: expected a field length of at most the 3 bytes left; found 2147483647.", e.Message);
    }

    [Fact]
    public void Onnx_RawDataDisagreeingWithDims_IsAnError()
    {
        var model = OnnxSeed.TinyBert();
        // The first initializer is embeddings.word_embeddings.weight [12, 4]: make its first dim 13.
        int at = model.AsSpan().IndexOf([(byte)(1 << 3), (byte)12, (byte)(1 << 3), (byte)4]);
        Assert.True(at > 0);
        model[at + 1] = 13;
        var e = Assert.Throws<InvalidDataException>(() => OnnxGraph.Parse(model, "m.onnx"));
        Assert.EndsWith("expected 208 bytes of raw_data for tensor 'embeddings.word_embeddings.weight' (type 1, dims [13, 4]); found 192.", e.Message);
        Assert.StartsWith("ONNX model 'm.onnx', byte ", e.Message);
    }

    [Fact]
    public void Onnx_TruncatedMiniLM_IsAClearError()
    {
        byte[] bytes;
        using (var s = ContextualEncoder.MiniLM.Model.Open()) { var m = new MemoryStream(); s.CopyTo(m); bytes = m.ToArray(); }
        var e = Assert.Throws<InvalidDataException>(() => OnnxGraph.Parse(bytes.AsSpan(0, bytes.Length / 2), "half.onnx"));
        Assert.StartsWith("ONNX model 'half.onnx', byte ", e.Message);
    }

    // ---- pytorch_model.bin ----

    [Fact]
    public void PyTorchBin_NotAZip_IsAClearError()
    {
        using var dir = new TempFolder();
        string path = dir.File("pytorch_model.bin");
        File.WriteAllBytes(path, [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC]);   // the legacy pickle magic
        var e = Assert.Throws<InvalidDataException>(() => HuggingFaceCheckpoint.ReadPickle(path));
        Assert.Equal($"'{path}' does not start with the zip magic \"PK\\x03\\x04\" of torch.save (PyTorch 1.6 and later); found 80028A0A. "
            + "Legacy (pre-1.6) pickles are not read: re-save with torch.save or convert to safetensors.", e.Message);
    }

    [Fact]
    public void PyTorchBin_CorruptDataPkl_IsCaughtByItsCrc_BeforeTheUnpickler()
    {
        // afl's one finding: this byte of the deflated data.pkl sent TorchSharp.PyBridge's unpickler into 0.1–8 s attempts.
        using var dir = new TempFolder();
        string path = dir.File("pytorch_model.bin");
        var bytes = FuzzTargets.Get("pytorch-bin").Seeds()[0];
        Assert.Equal(0xAE, bytes[396]);
        bytes[396] = 0xAB;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidDataException>(() => HuggingFaceCheckpoint.ReadPickle(path));
        Assert.StartsWith($"Entry 'model/data.pkl' of '{path}' is corrupt: expected 311 bytes with CRC-32 ", e.Message);
    }

    [Fact]
    public void PyTorchBin_CorruptZip_NamesTheFile()
    {
        using var dir = new TempFolder();
        string path = dir.File("pytorch_model.bin");
        File.WriteAllBytes(path, [(byte)'P', (byte)'K', 3, 4, 0, 0, 0]);
        var e = Assert.Throws<InvalidDataException>(() => HuggingFaceCheckpoint.ReadPickle(path));
        Assert.StartsWith($"'{path}' is not a readable torch.save zip: ", e.Message);
    }
}

using System.IO.Compression;
using System.Text;
using Microsoft.ML;

namespace MLNetContextual.Tests.Robustness;

/// <summary>The reproductions of issue 8 for word-vector files and the saved vector blob, each with its message pinned.</summary>
public class HostileVectorFileTests
{
    private static readonly string[] Words = ["king", "queen", "man", "woman"];
    private static readonly float[] Vectors = [0.9f, 0.8f, 0.1f, 0.9f, 0.1f, 0.8f, 0.1f, 0.9f, 0.1f, 0.1f, 0.2f, 0.9f];

    private static StaticEmbeddings Sample() => new(Words, Vectors, 3);

    private static byte[] Bytes(string text, int zeros) => [.. Encoding.ASCII.GetBytes(text), .. new byte[zeros]];

    [Fact]
    public void Word2Vec28Bytes_ClaimingDimension1e9_FailsBeforeAllocating()
    {
        using var dir = new TempFolder();
        string path = dir.File("huge-dim.bin");
        File.WriteAllBytes(path, Bytes("1 1000000000\nking ", 10));
        Assert.Equal(28, new FileInfo(path).Length);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var e = Assert.Throws<InvalidDataException>(() => StaticEmbeddings.Load(path));
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 16 << 20, "the header must not be trusted for allocation");
        Assert.Equal(
            $"The header of '{path}' (line 1) announces 1 vectors of 1000000000 floats, which take at least 4000000002 bytes in Word2VecBinary "
            + "(a word, a space and 1000000000 × 4 bytes each); found 15 bytes after the header. Is the header right, or the file truncated?", e.Message);
    }

    [Fact]
    public void Word2Vec28Bytes_ClaimingCount2e9_FailsBeforeAllocating()
    {
        using var dir = new TempFolder();
        string path = dir.File("huge-count.bin");
        File.WriteAllBytes(path, Bytes("2000000000 3\nking ", 10));
        Assert.Equal(28, new FileInfo(path).Length);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var e = Assert.Throws<InvalidDataException>(() => StaticEmbeddings.Load(path));
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 16 << 20, "the header must not be trusted for allocation");
        Assert.Equal(
            $"The header of '{path}' (line 1) announces 2000000000 vectors of 3 floats, which take at least 28000000000 bytes in Word2VecBinary "
            + "(a word, a space and 3 × 4 bytes each); found 15 bytes after the header. Is the header right, or the file truncated?", e.Message);
    }

    [Theory]
    [InlineData("0 3\n", "0", "3")]
    [InlineData("3 0\n", "3", "0")]
    [InlineData("99999999999 3\n", "99999999999", "3")]
    public void HeaderOutOfRange_IsAnError(string header, string count, string dimension)
    {
        using var dir = new TempFolder();
        string path = dir.File("v.txt");
        File.WriteAllText(path, header + "a 1 2 3\n");
        var e = Assert.Throws<InvalidDataException>(() => StaticEmbeddings.Load(path));
        Assert.Equal($"Line 1 of '{path}' is a \"count dimension\" header: expected a count and a dimension from 1 to 2147483647; found count {count}, dimension {dimension}.", e.Message);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("1e39")]   // beyond float32: parses as Infinity
    public void NonFiniteText_IsRejected_UnlessAllowed(string value)
    {
        using var dir = new TempFolder();
        string path = dir.File("g.txt");
        File.WriteAllText(path, $"king 1 2\nqueen {value} 3\n");
        var e = Assert.Throws<InvalidDataException>(() => StaticEmbeddings.Load(path));
        Assert.Equal($"Line 2 of '{path}': field 2 is '{value}': expected a finite float32 (set AllowNonFiniteValues to accept NaN and Infinity).", e.Message);

        var allowed = StaticEmbeddings.Load(path, new StaticEmbeddingsLoadOptions { AllowNonFiniteValues = true });
        Assert.False(float.IsFinite(allowed.GetVector("queen")[0]));
    }

    [Fact]
    public void NonFiniteBinary_IsRejected()
    {
        using var dir = new TempFolder();
        string path = dir.File("nan.bin");
        new StaticEmbeddings(["a", "b"], [1f, 2f, float.PositiveInfinity, 4f], 2).SaveWord2VecBinary(path);
        var e = Assert.Throws<InvalidDataException>(() => StaticEmbeddings.Load(path));
        // "2 2\n" (4) + "a " (2) + 8 bytes + "\n" (1) + "b " (2) → the first float of b at byte 17
        Assert.Equal($"'{path}' at byte 17: component 1 of the vector of word 2 of 2 ('b') is Infinity: expected a finite float32 "
            + "(set AllowNonFiniteValues to accept NaN and Infinity); does the header's dimension (2) match the data?", e.Message);
    }

    [Fact]
    public void BinaryDataDisagreeingWithTheHeader_IsAnError_NotAGarbageWord()
    {
        using var dir = new TempFolder();
        string path = dir.File("v.bin");
        Sample().SaveWord2VecBinary(path);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal((byte)'3', bytes[2]);
        bytes[2] = (byte)'2';   // "4 3" → "4 2": the data has 3 floats per word
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidDataException>(() => StaticEmbeddings.Load(path));
        // "4 2\n" (4) + "king " (5) + 2 floats (8) = 17; king's third float fills 17..20, its newline is byte 21
        Assert.Equal($"'{path}' at byte 21: word 2 of 4 contains the control byte 0x0A (word2vec binary): expected a word (UTF-8 text) and a space; "
            + "does the header's dimension (2) match the data?", e.Message);
    }

    [Fact]
    public void ExtraBinaryVectors_AreDetected()
    {
        using var dir = new TempFolder();
        string path = dir.File("v.bin");
        Sample().SaveWord2VecBinary(path);
        var bytes = File.ReadAllBytes(path);
        bytes[0] = (byte)'3';   // "4 3" → "3 3": one vector more than announced
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidDataException>(() => StaticEmbeddings.Load(path));
        // header 4 + king 18 + queen 19 + man 16 → 57 is man's newline, 58 the 'w' of woman
        Assert.Equal($"'{path}' has data after the 3 vectors its header announces: byte 58 is 0x77, expected the end of the file. "
            + "Does the file hold more vectors than the header says, or vectors of another dimension than 3?", e.Message);
    }

    [Fact]
    public void ExtraTextVectors_AreDetected()
    {
        using var dir = new TempFolder();
        string path = dir.File("v.txt");
        File.WriteAllText(path, "1 2\nking 1 2\nqueen 3 4\n");
        var e = Assert.Throws<InvalidDataException>(() => StaticEmbeddings.Load(path));
        Assert.Equal($"Line 3 of '{path}': the header announces 1 words, but more lines follow: expected the end of the file, found 'queen 3 4'.", e.Message);
    }

    [Fact]
    public void Utf8Bom_OnGloVe_DoesNotRenameTheFirstWord()
    {
        using var dir = new TempFolder();
        string path = dir.File("g.txt");
        File.WriteAllText(path, "king 1 2\nqueen 3 4\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Assert.Equal(0xEF, File.ReadAllBytes(path)[0]);
        var e = StaticEmbeddings.Load(path);
        Assert.Equal(StaticEmbeddingsFormat.GloVeText, e.SourceFormat);
        Assert.Equal(new[] { "king", "queen" }, e.Words);
        Assert.False(e.Contains("\uFEFFking"));
    }

    [Fact]
    public void Utf8Bom_WithAHeader_IsReadAsWord2VecText()
    {
        using var dir = new TempFolder();
        string path = dir.File("w.txt");
        File.WriteAllText(path, "2 3\nking 0.5 -1 2e-1\nqueen 1 2 3\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        var e = StaticEmbeddings.Load(path);
        Assert.Equal(StaticEmbeddingsFormat.Word2VecText, e.SourceFormat);
        Assert.Equal(new[] { 0.5f, -1f, 0.2f }, e.GetVector("king").ToArray());
    }

    [Fact]
    public void Utf8Bom_OnBinary_IsSkipped()
    {
        using var dir = new TempFolder();
        string path = dir.File("v.bin");
        Sample().SaveWord2VecBinary(path);
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. File.ReadAllBytes(path)]);
        Assert.Equal(Words, StaticEmbeddings.Load(path).Words);
    }

    [Fact]
    public void InvalidUtf8_NamesTheLineAndByte()
    {
        using var dir = new TempFolder();
        string path = dir.File("g.txt");
        File.WriteAllBytes(path, [.. "king 1 2\nqu"u8, 0xFF, .. "een 3 4\n"u8]);
        var e = Assert.Throws<InvalidDataException>(() => StaticEmbeddings.Load(path));
        Assert.Equal($"Line 2 of '{path}' (byte 11) is not valid UTF-8: expected UTF-8 text, found the byte 0xFF.", e.Message);
    }

    [Fact]
    public void Utf16Bom_IsAClearError()
    {
        using var dir = new TempFolder();
        string path = dir.File("u16.txt");
        File.WriteAllText(path, "king 1 2\n", Encoding.Unicode);
        var e = Assert.Throws<InvalidDataException>(() => StaticEmbeddings.Load(path));
        Assert.Equal($"'{path}' starts with a UTF-16 byte order mark (0xFF 0xFE): expected UTF-8 text or word2vec binary; convert the file to UTF-8.", e.Message);
    }

    [Fact]
    public void InvalidFormatOption_IsAnArgumentError()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => StaticEmbeddings.Load("x", new StaticEmbeddingsLoadOptions { Format = (StaticEmbeddingsFormat)42 }));
        Assert.StartsWith("StaticEmbeddingsLoadOptions.Format is 42; expected one of Auto, Word2VecBinary, Word2VecText, GloVeText, FastTextVec.", e.Message);
    }

    // ---- the saved vector blob (StaticEmbeddings.bin inside the model zip) ----

    private static byte[] Blob(StaticEmbeddings e)
    {
        using var m = new MemoryStream();
        using (var w = new BinaryWriter(m, Encoding.UTF8, leaveOpen: true)) StaticEmbeddingsBlob.Write(w, e);
        return m.ToArray();
    }

    private static void Patch(byte[] blob, int offset, int value) => BitConverter.GetBytes(value).CopyTo(blob, offset);

    [Fact]
    public void Blob_RoundTrips_AndFlagsNonFiniteTables()
    {
        var e = Sample();
        var back = StaticEmbeddingsBlob.Read(new MemoryStream(Blob(e)), "StaticEmbeddings.bin");
        Assert.Equal(e.Words, back.Words);
        Assert.Equal(e.RawVectors, back.RawVectors);

        var nan = new StaticEmbeddings(["a"], [float.NaN, 1f], 2);
        var blob = Blob(nan);
        Assert.Equal(StaticEmbeddingsBlob.NonFiniteFlag, BitConverter.ToInt32(blob, 12) & StaticEmbeddingsBlob.NonFiniteFlag);
        Assert.True(float.IsNaN(StaticEmbeddingsBlob.Read(new MemoryStream(blob), "StaticEmbeddings.bin").GetVector("a")[0]));
    }

    [Fact]
    public void Blob_DimensionZero_IsAnError()
    {
        var blob = Blob(Sample());
        Patch(blob, 8, 0);
        var e = Assert.Throws<InvalidDataException>(() => StaticEmbeddingsBlob.Read(new MemoryStream(blob), "StaticEmbeddings.bin"));
        Assert.Equal("The saved model's 'StaticEmbeddings.bin' entry, byte 8: expected a dimension of at least 1; found 0. The zip is corrupt.", e.Message);
    }

    [Fact]
    public void Blob_HugeCount_FailsBeforeAllocating()
    {
        var blob = Blob(Sample());
        Patch(blob, 4, 2_000_000_000);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var e = Assert.Throws<InvalidDataException>(() => StaticEmbeddingsBlob.Read(new MemoryStream(blob), "StaticEmbeddings.bin"));
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 16 << 20);
        Assert.Equal($"The saved model's 'StaticEmbeddings.bin' entry, byte 16: expected at least 28000000000 more bytes for 2000000000 words and their 3-float vectors; found {blob.Length - 16} bytes. The zip is corrupt.", e.Message);
    }

    [Fact]
    public void Blob_HugeCount_OnAStreamWithoutLength_FailsWithoutAllocatingIt()
    {
        var blob = Blob(Sample());
        Patch(blob, 4, 2_000_000_000);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var e = Assert.Throws<InvalidDataException>(() => StaticEmbeddingsBlob.Read(new ForwardOnlyStream(blob), "StaticEmbeddings.bin"));
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 64 << 20);
        Assert.StartsWith("The saved model's 'StaticEmbeddings.bin' entry, byte ", e.Message);
        Assert.EndsWith("The zip is corrupt.", e.Message);
    }

    [Fact]
    public void Blob_TrailingBytes_AreAnError()
    {
        byte[] blob = [.. Blob(Sample()), 0];
        var e = Assert.Throws<InvalidDataException>(() => StaticEmbeddingsBlob.Read(new MemoryStream(blob), "StaticEmbeddings.bin"));
        Assert.Equal($"The saved model's 'StaticEmbeddings.bin' entry, byte {blob.Length - 49}: expected exactly 48 bytes of vectors (4 × 3 float32s) to end the entry; found 49 bytes. The zip is corrupt.", e.Message);
    }

    [Fact]
    public void Blob_NaNFromCorruption_IsAnError()
    {
        var blob = Blob(Sample());
        Patch(blob, blob.Length - 4, BitConverter.SingleToInt32Bits(float.NaN));
        var e = Assert.Throws<InvalidDataException>(() => StaticEmbeddingsBlob.Read(new MemoryStream(blob), "StaticEmbeddings.bin"));
        Assert.Equal($"The saved model's 'StaticEmbeddings.bin' entry, byte {blob.Length - 4}: expected finite float32s (component 3 of word 4, 'woman'); found NaN. The zip is corrupt.", e.Message);
    }

    public class Row { public string Text { get; set; } }
    public class Out { public float[] Features { get; set; } }

    [Fact]
    public void SavedModel_WithDimensionZero_FailsToLoad_NamingTheEntry()
    {
        using var dir = new TempFolder();
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new Row { Text = "king queen" } });
        var model = ml.Transforms.Text.TokenizeIntoWords("Tokens", "Text")
            .Append(ml.Transforms.Text.ApplyStaticWordEmbedding("Features", "Tokens", Sample())).Fit(data);
        string path = dir.File("m.zip");
        ml.Model.Save(model, data.Schema, path);
        // A crafted zip, not random corruption: the blob is changed and its recorded SHA-256 updated to match.
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            var entry = zip.Entries.Single(en => en.Name == "StaticEmbeddings.bin");
            byte[] blob;
            using (var s = entry.Open()) { var m = new MemoryStream(); s.CopyTo(m); blob = m.ToArray(); }
            Patch(blob, 8, 0);
            string name = entry.FullName, folder = name[..^entry.Name.Length];
            entry.Delete();
            using (var w = zip.CreateEntry(name).Open()) w.Write(blob);
            var sums = zip.GetEntry(folder + "Checksums.txt");
            string text;
            using (var r = new StreamReader(sums.Open())) text = r.ReadToEnd();
            string hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(blob));
            text = string.Join("\n", text.Split('\n').Select(l => l.StartsWith("StaticEmbeddings.bin\t", StringComparison.Ordinal) ? "StaticEmbeddings.bin\t" + hash : l));
            sums.Delete();
            using (var w = new StreamWriter(zip.CreateEntry(folder + "Checksums.txt").Open())) w.Write(text);
        }
        var e = Assert.ThrowsAny<Exception>(() => new MLContext().Model.Load(path, out _));
        var inner = e;
        while (inner is not InvalidDataException && inner.InnerException != null) inner = inner.InnerException;
        Assert.Equal("The saved model's 'StaticEmbeddings.bin' entry, byte 8: expected a dimension of at least 1; found 0. The zip is corrupt.", inner.Message);
    }

    [Fact]
    public void SavedModel_WithNonFiniteVectors_RoundTrips()
    {
        using var dir = new TempFolder();
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new Row { Text = "a" } });
        var vectors = new StaticEmbeddings(["a", "b"], [float.NaN, 1f, 2f, 3f], 2);
        var model = ml.Transforms.Text.TokenizeIntoWords("Tokens", "Text")
            .Append(ml.Transforms.Text.ApplyStaticWordEmbedding("Features", "Tokens", vectors)).Fit(data);
        ml.Model.Save(model, data.Schema, dir.File("m.zip"));
        var loaded = new MLContext().Model.Load(dir.File("m.zip"), out _);
        var output = new MLContext().Model.CreatePredictionEngine<Row, Out>(loaded).Predict(new Row { Text = "b" });
        Assert.Equal(new[] { 2f, 3f }, output.Features);
    }

    /// <summary>A stream that cannot seek and has no length, like some zip entry streams.</summary>
    private sealed class ForwardOnlyStream(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

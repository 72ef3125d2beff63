using static TorchSharp.torch;

namespace MLNetContextual.Tests.Cove;

/// <summary>FromPyTorch on missing, corrupt and mis-shaped files, and GloVe of the wrong size: errors name the file, the
/// key and both shapes or sizes.</summary>
public class CoveBadInputTests
{
    [Fact]
    public void MissingFile_NamesIt()
    {
        var e = Assert.Throws<FileNotFoundException>(() => CoveEncoder.FromPyTorch("/no/such/wmtlstm.pth", TinyCove.Glove()));
        Assert.Contains("/no/such/wmtlstm.pth", e.Message);
    }

    [Fact]
    public void CorruptFile_NamesIt()
    {
        using var folder = new TempFolder();
        string path = folder.File("broken.pth");
        File.WriteAllBytes(path, "not a torch zip at all"u8.ToArray());
        var e = Assert.Throws<InvalidDataException>(() => CoveEncoder.FromPyTorch(path, TinyCove.Glove()));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void GloveDimension_DiffersFromLstmInput_NamesBoth()
    {
        using var folder = new TempFolder();
        using var lstm = TinyCove.Lstm();
        string path = TinyCove.SavePth(lstm, folder);
        var e = Assert.Throws<ArgumentException>(() => CoveEncoder.FromPyTorch(path, TinyCove.Glove(5)));
        Assert.Contains("5 dimensions", e.Message);
        Assert.Contains("[16, 6]", e.Message);
        Assert.Contains("weight_ih_l0", e.Message);
    }

    [Fact]
    public void WrongShape_NamesKeyExpectedAndFound()
    {
        using var folder = new TempFolder();
        var tensors = CoveWeights.Keys(TinyCove.Dim, TinyCove.Hidden, 2)
            .Select(k => k.Key == "weight_ih_l1" ? (k.Key, new long[] { 16, 7 }) : (k.Key, k.Shape)).ToList();
        using var module = new TinyCove.StateDict(tensors);
        string path = TinyCove.SavePth(module, folder);
        var e = Assert.Throws<InvalidDataException>(() => CoveEncoder.FromPyTorch(path, TinyCove.Glove()));
        Assert.Contains("'weight_ih_l1'", e.Message);
        Assert.Contains("[16, 7]", e.Message);
        Assert.Contains("[16, 8]", e.Message);
    }

    [Fact]
    public void MissingKey_IsNamed()
    {
        using var folder = new TempFolder();
        var tensors = CoveWeights.Keys(TinyCove.Dim, TinyCove.Hidden, 2).Where(k => k.Key != "bias_hh_l1_reverse").ToList();
        using var module = new TinyCove.StateDict(tensors);
        var e = Assert.Throws<InvalidDataException>(() => CoveEncoder.FromPyTorch(TinyCove.SavePth(module, folder), TinyCove.Glove()));
        Assert.Contains("Missing: bias_hh_l1_reverse", e.Message);
    }

    [Fact]
    public void TextPair_IsRejected()
    {
        using var session = (ITokenEncoder)TinyCove.Encoder.Open(new EncoderOptions { Encoder = TinyCove.Encoder });
        Assert.Throws<NotSupportedException>(() => session.Encode("a", "b"));
    }
}

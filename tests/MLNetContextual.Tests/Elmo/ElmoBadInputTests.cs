using PureHDF;

namespace MLNetContextual.Tests.Elmo;

public class ElmoBadInputTests
{
    [Fact]
    public void ProjectionLargerThanLstm_IsRejected_NamingBothOptions()
    {
        var c = TinyElmo.Config();
        c.ProjectionDim = 32;
        var e = Assert.Throws<ArgumentOutOfRangeException>(c.Validate);
        Assert.Equal(nameof(ElmoConfig.ProjectionDim), e.ParamName);
        Assert.Contains("32", e.Message);
        Assert.Contains("16", e.Message);
    }

    [Fact]
    public void UnknownActivation_IsRejected_ListingTheValidOnes()
    {
        var c = TinyElmo.Config();
        c.Activation = "gelu";
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ElmoEncoder.Untrained(c));
        Assert.Contains("'gelu'", e.Message);
        Assert.Contains("tanh, relu", e.Message);
    }

    [Fact]
    public void PublishedConfiguration_IsExpressible_AndRoundTripsThroughOptionsJson()
    {
        var p = ElmoConfig.Published;
        p.Validate();
        var again = ElmoConfig.FromJson(p.ToJson());
        Assert.Equal(4096, again.LstmDim);
        Assert.Equal(512, again.ProjectionDim);
        Assert.Equal(2048, again.FilterCount);
        Assert.Equal(p.ToJson(), again.ToJson());
    }

    [Fact]
    public void CharacterIds_FollowBilmTf_AndLongTokensAreTruncated()
    {
        Assert.Equal([259, 105, 106, 260, 261, 261], ElmoCharacters.Of("hi", 6));
        Assert.Equal([259, 257, 260, 261, 261], ElmoCharacters.Of("<S>", 5));
        Assert.Equal([259, 258, 260, 261, 261], ElmoCharacters.Of("</S>", 5));
        var longToken = new string('a', 60);
        var ids = ElmoCharacters.Of(longToken, 50);
        Assert.Equal(259, ids[0]);
        Assert.All(ids[1..49], v => Assert.Equal('a' + 1, v));     // 48 bytes kept
        Assert.Equal(260, ids[49]);
        var multi = ElmoCharacters.Of("ééé", 6);                    // 6 bytes, 4 kept: the byte string is cut as bilm-tf cuts it
        Assert.Equal([259, 0xC3 + 1, 0xA9 + 1, 0xC3 + 1, 0xA9 + 1, 260], multi);
    }

    private static string WritePublished(TempFolder folder) { TinyElmo.Encoder.SavePublished(folder.Path); return folder.File("lm_weights.hdf5"); }

    [Fact]
    public void Hdf5MissingADataset_NamesIt()
    {
        using var folder = new TempFolder();
        string weights = WritePublished(folder);
        var file = new H5File();
        using (var source = H5File.OpenRead(weights))
            file["char_embed"] = new H5Dataset(source.Dataset("char_embed").Read<float[]>(), fileDims: [261, 4]);
        file.Write(weights);
        var e = Assert.Throws<InvalidDataException>(() => ElmoEncoder.FromFiles(folder.File("options.json"), weights));
        Assert.Contains("'CNN/W_cnn_0'", e.Message);
        Assert.Contains("[1, 1, 4, 4]", e.Message);
    }

    [Fact]
    public void Hdf5WithAWrongShape_NamesTheDatasetAndBothShapes()
    {
        using var folder = new TempFolder();
        string weights = WritePublished(folder);
        var file = new H5File { ["char_embed"] = new H5Dataset(new float[100 * 4], fileDims: [100, 4]) };
        file.Write(weights);
        var e = Assert.Throws<InvalidDataException>(() => ElmoEncoder.FromFiles(folder.File("options.json"), weights));
        Assert.Contains("'char_embed'", e.Message);
        Assert.Contains("[100, 4]", e.Message);
        Assert.Contains("[261, 4]", e.Message);
    }

    [Fact]
    public void OptionsJsonNotMatchingTheWeights_IsReported()
    {
        using var folder = new TempFolder();
        string weights = WritePublished(folder);
        var other = TinyElmo.Config();
        other.LstmDim = 32;
        File.WriteAllText(folder.File("options.json"), other.ToJson());
        var e = Assert.Throws<InvalidDataException>(() => ElmoEncoder.FromFiles(folder.File("options.json"), weights));
        Assert.Contains("RNN_0/RNN/MultiRNNCell/Cell0/LSTMCell/W_0", e.Message);
        Assert.Contains("[16, 64]", e.Message);     // in the file: [8 + 8, 4 × 16]
        Assert.Contains("[16, 128]", e.Message);    // implied by options.json: [8 + 8, 4 × 32]
    }

    [Fact]
    public void OptionsJsonWithoutCharCnn_OrWithAContradiction_IsReported()
    {
        var e = Assert.Throws<InvalidDataException>(() => ElmoConfig.FromJson("{\"lstm\": {\"dim\": 8, \"projection_dim\": 4}}"));
        Assert.Contains("char_cnn", e.Message);
        using var folder = new TempFolder();
        string weights = WritePublished(folder);
        var bad = TinyElmo.Config();
        bad.ProjectionDim = 64;
        File.WriteAllText(folder.File("options.json"), bad.ToJson());
        var e2 = Assert.Throws<InvalidDataException>(() => ElmoEncoder.FromFiles(folder.File("options.json"), weights));
        Assert.Contains("options.json", e2.Message);
        Assert.Contains("ProjectionDim", e2.Message);
    }

    [Fact]
    public void EmptyText_GivesOnlyTheSentenceMarks()
    {
        var tokenizer = new ElmoTokenizer();
        var e = tokenizer.Encode("", null, 16);
        Assert.Equal([ElmoCharacters.BosToken, ElmoCharacters.EosToken], e.Tokens);
        Assert.True(e.IsSpecial(0) && e.IsSpecial(1));
        Assert.Empty(tokenizer.Split("   \t "));
    }

    [Fact]
    public void Tokenizer_SplitsPunctuation_KeepsInnerApostrophes_AndGivesSpans()
    {
        var t = new ElmoTokenizer().Split("Don't stop, U.S. 3.5 now!");
        Assert.Equal(["Don't", "stop", ",", "U.S", ".", "3.5", "now", "!"], t.Select(x => x.Text));
        Assert.Equal(6, t[1].Start);
        Assert.Equal(["a,b", "c."], new ElmoTokenizer(whitespaceOnly: true).Split(" a,b  c.").Select(x => x.Text));
    }
}

namespace MLNetContextual;

/// <summary>
/// context2vec's weights: <see cref="StateTensors"/> of every parameter of <see cref="Context2VecModule"/>
/// (<c>l2r_embed.weight</c>, <c>l2r_1.weight_ih_l0</c>, …, <c>targets</c>).
/// </summary>
internal static class Context2VecWeights
{
    public const string What = "context2vec";

    public static StateTensors FromModule(Context2VecModule module) => StateTensors.FromModule(module, What);

    public static StateTensors Read(byte[] bytes, IReadOnlyList<StateTensors.Entry> entries, string where) => StateTensors.Read(bytes, entries, where, What);

    /// <summary>The tensors a model of <paramref name="config"/> over <paramref name="vocabularySize"/> words has, with their shapes.</summary>
    public static Dictionary<string, long[]> Shapes(Context2VecConfig config, int vocabularySize)
    {
        long v = vocabularySize, e = config.WordEmbeddingDim, h = config.LstmHiddenDim, m = config.MlpHiddenDim, d = config.ContextDim;
        var expected = new Dictionary<string, long[]>(StringComparer.Ordinal) { ["targets"] = [v, d], ["l3.weight"] = [m, 2 * h], ["l3.bias"] = [m], ["l4.weight"] = [d, m], ["l4.bias"] = [d] };
        foreach (var dir in new[] { "l2r", "r2l" })
        {
            expected[dir + "_embed.weight"] = [v, e];
            expected[dir + "_1.weight_ih_l0"] = [4 * h, e];
            expected[dir + "_1.weight_hh_l0"] = [4 * h, h];
            expected[dir + "_1.bias_ih_l0"] = [4 * h];
            expected[dir + "_1.bias_hh_l0"] = [4 * h];
        }
        return expected;
    }
}

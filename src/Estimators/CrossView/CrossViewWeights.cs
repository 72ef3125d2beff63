namespace MLNetContextual;

/// <summary>
/// A Cross-View Training tagger's inference weights: <see cref="StateTensors"/> of the parameters of
/// <see cref="CrossViewModule"/> that tagging uses (the auxiliary modules, used only in training, are left out).
/// </summary>
internal static class CrossViewWeights
{
    public const string What = "Cross-View Training";

    private static bool Inference(string name) => !CrossViewModule.IsAuxiliary(name);

    public static StateTensors FromModule(CrossViewModule module) => StateTensors.FromModule(module, What, Inference);

    /// <summary>Copies <paramref name="weights"/> into <paramref name="module"/> (its auxiliary modules keep theirs).</summary>
    public static void CopyTo(StateTensors weights, CrossViewModule module) => weights.CopyTo(module, Inference);

    public static StateTensors Read(byte[] bytes, IReadOnlyList<StateTensors.Entry> entries, string where) => StateTensors.Read(bytes, entries, where, What);
}

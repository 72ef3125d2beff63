namespace MLNetContextual.Tests.FineTuning;

/// <summary>
/// Tests that train with TorchSharp run alone: its random generator and thread count are process-wide, so a test
/// running beside them (initialising another model, say) would change their random stream and break determinism checks.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchTrainingCollection
{
    public const string Name = "TorchSharp training";
}

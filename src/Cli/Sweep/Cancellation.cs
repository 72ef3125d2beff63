using System.Reflection;
using Microsoft.ML;

namespace MLNetContextual.Cli.Sweep;

/// <summary>
/// Stops an MLContext's running trainer: ML.NET's <c>ICancelable.CancelExecution</c> (what AutoML uses for its time
/// budget) is not public, so it is called by reflection; trainers then throw OperationCanceledException at their next check.
/// </summary>
public static class Cancellation
{
    private static readonly MethodInfo s_cancel = typeof(MLContext).GetInterfaces()
        .FirstOrDefault(i => i.Name == "ICancelable")?.GetMethod("CancelExecution");

    /// <summary>Whether this ML.NET build can be cancelled (else candidates run to their end).</summary>
    public static bool Supported => s_cancel != null;

    /// <summary>Asks <paramref name="ml"/>'s trainers to stop.</summary>
    public static void Cancel(MLContext ml) => s_cancel?.Invoke(ml, null);
}

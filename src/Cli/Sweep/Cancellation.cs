using System.Reflection;
using Microsoft.ML;

namespace MLNetContextual.Cli.Sweep;

/// <summary>
/// Stops an MLContext's running trainer: ML.NET's <c>ICancelable.CancelExecution</c> (what AutoML uses for its time
/// budget) is not public, so it is found by reflection, on the MLContext or on the environment it wraps; trainers then
/// throw OperationCanceledException at their next check.
/// </summary>
public static class Cancellation
{
    private const BindingFlags Any = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    private static readonly Func<MLContext, (object Target, MethodInfo Method)> s_find = Find();

    /// <summary>Whether this ML.NET build can be cancelled (else candidates run to their end).</summary>
    public static bool Supported => s_find != null;

    /// <summary>Asks <paramref name="ml"/>'s trainers to stop.</summary>
    public static void Cancel(MLContext ml)
    {
        if (s_find?.Invoke(ml) is { Target: not null, Method: not null } found)
            found.Method.Invoke(found.Target, null);
    }

    private static Func<MLContext, (object, MethodInfo)> Find()
    {
        static MethodInfo On(Type type) =>
            type.GetMethods(Any).FirstOrDefault(m => m.Name.EndsWith("CancelExecution", StringComparison.Ordinal) && m.GetParameters().Length == 0)
            ?? type.GetInterfaces().Where(i => i.Name == "ICancelable").Select(i => i.GetMethod("CancelExecution")).FirstOrDefault(m => m != null);
        var direct = On(typeof(MLContext));
        if (direct != null)
            return ml => (ml, direct);
        var field = typeof(MLContext).GetFields(Any).FirstOrDefault(f => On(f.FieldType) != null);
        if (field != null)
            return ml => field.GetValue(ml) is { } env ? (env, On(env.GetType())) : (null, null);
        return null;
    }
}

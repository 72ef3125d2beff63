namespace MLNetContextual.Fuzzing;

/// <summary>
/// One reader under fuzzing: a name, the small valid files it starts from (made in code, no downloads), and what to run
/// on one input.
/// </summary>
/// <remarks>
/// The documented exception set: a reader given malformed bytes throws <see cref="InvalidDataException"/> (malformed or
/// inconsistent content, with the file, offset or line, what was expected and what was found) or
/// <see cref="NotSupportedException"/> (well-formed but outside what is read: external ONNX data, a table larger than
/// one array). Anything else — another exception type, a crash, a hang — is a finding.
/// </remarks>
internal sealed record FuzzTarget(string Name, Func<IReadOnlyList<byte[]>> Seeds, Action<byte[]> Run)
{
    /// <summary>Whether <paramref name="e"/> is one of the documented exception types.</summary>
    public static bool IsExpected(Exception e) => e is InvalidDataException or NotSupportedException;
}

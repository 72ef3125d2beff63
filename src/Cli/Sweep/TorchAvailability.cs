namespace MLNetContextual.Cli.Sweep;

/// <summary>
/// Whether TorchSharp's native libraries (libtorch) are beside this executable: fine-tuning and question answering
/// need them; the dotnet tool package leaves them out to stay under the registry's size limit.
/// </summary>
public static class TorchAvailability
{
    private static readonly Lazy<bool> s_present = new(Find);

    /// <summary>True when a libtorch native library is found under the application folder.</summary>
    public static bool Present => Environment.GetEnvironmentVariable("MLNETCTX_NO_TORCH") != "1" && s_present.Value;

    /// <summary>Why fine-tuning is unavailable, for messages.</summary>
    public const string Missing =
        "TorchSharp's native libraries (libtorch) are not in this build of mlnetctx (the dotnet tool leaves them out to stay " +
        "under 250 MB); run mlnetctx from the repository (dotnet run --project src/Cli) or pack it with -p:WithTorchInPackage=true to fine-tune";

    private static bool Find()
    {
        string[] names = ["libtorch_cpu.so", "libtorch_cpu.dylib", "torch_cpu.dll"];
        try
        {
            return Directory.EnumerateFiles(AppContext.BaseDirectory, "*torch_cpu*", SearchOption.AllDirectories)
                .Any(f => names.Contains(Path.GetFileName(f)));
        }
        catch (IOException)
        {
            return false;
        }
    }
}

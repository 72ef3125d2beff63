using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace MLNetContextual.Torch;

/// <summary>
/// Makes TorchSharp's native library loadable before TorchSharp first touches it. TorchSharp-cpu 0.107.0's
/// libLibTorchSharp.so needs GLIBCXX_3.4.32 from libstdc++ (only for a symbol it never calls); Debian 12 and Ubuntu
/// 22.04 stop at 3.4.30, and the load then fails with a misleading message (ARCHITECTURE.md §3). When the system
/// libstdc++ lacks that version, the copy next to the app is patched (that needed version marked weak), written
/// through a temp file and a rename. If it cannot be written, a patched copy in a per-user folder is loaded instead,
/// and TorchSharp's later loads by name resolve to it. The build logic in buildTransitive/ does the same after every
/// build and publish, so this usually finds nothing left to do. The NuGet cache is never written.
/// </summary>
internal static class TorchRuntime
{
    internal const string LibStdCxx = "libstdc++.so.6";
    internal const string MissingVersion = "GLIBCXX_3.4.32";
    internal const string LibraryFile = "libLibTorchSharp.so";
    /// <summary>Set to 1 to load a patched private copy and leave the app's files alone (read-only deployments).</summary>
    internal const string PrivateCopyVariable = "MLNETCONTEXTUAL_TORCHSHARP_PRIVATE_COPY";

    private static readonly object gate = new();
    private static volatile bool done;
    private static Exception failure;

    /// <summary>What the last preparation did, in words (for diagnostics and tests).</summary>
    internal static string Report { get; private set; } = "not run";

    /// <summary>Runs on first use of this assembly, so TorchSharp loads even where no entry point of ours ran first.</summary>
#pragma warning disable CA2255   // deliberate: a library module initializer is the one hook that runs before any TorchSharp use of ours
    [ModuleInitializer]
    internal static void OnAssemblyLoad()
    {
        try { EnsureLoaded(); }
        catch (Exception) { /* kept in 'failure'; the next explicit EnsureLoaded reports it */ }
    }
#pragma warning restore CA2255

    /// <summary>Idempotent and thread-safe; call before the first TorchSharp operation.</summary>
    /// <exception cref="InvalidOperationException">The native library needed patching and that failed.</exception>
    internal static void EnsureLoaded()
    {
        if (!done)
        {
            lock (gate)
            {
                if (!done)
                {
                    try { Report = Prepare(); }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or DllNotFoundException or BadImageFormatException)
                    {
                        failure = new InvalidOperationException(
                            $"TorchSharp's {LibraryFile} needs {MissingVersion}, which the system {LibStdCxx} lacks, and patching it failed: {e.Message}", e);
                        Report = failure.Message;
                    }
                    done = true;
                }
            }
        }
        if (failure != null) throw failure;
    }

    private static string Prepare()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            return "not Linux x64: nothing to do";
        if (ElfVersionPatcher.SystemLibraryDefines(LibStdCxx, MissingVersion, out string system))
            return $"{system} defines {MissingVersion}: nothing to do";

        bool privateOnly = Environment.GetEnvironmentVariable(PrivateCopyVariable) == "1";
        var notes = new List<string>();
        foreach (string path in Candidates())
        {
            if (!privateOnly && !InNuGetCache(path) && TryPatchInPlace(path, out var outcome))
            {
                notes.Add($"{path}: {outcome}");
                continue;
            }
            return $"{path} not writable or not ours to write; loaded {LoadPatchedPrivateCopy(path)}";
        }
        return notes.Count == 0 ? $"no {LibraryFile} found next to the app" : string.Join("; ", notes);
    }

    /// <summary>Where the runtime will look for LibTorchSharp: the app folder, runtimes/linux-x64/native, deps.json's native folders.</summary>
    private static IEnumerable<string> Candidates()
    {
        var dirs = new List<string>
        {
            AppContext.BaseDirectory,
            Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native"),
        };
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string searched)
            dirs.AddRange(searched.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        if (Path.GetDirectoryName(typeof(TorchSharp.torch).Assembly.Location) is { Length: > 0 } torchSharpDir)
            dirs.Add(torchSharpDir);
        return dirs
            .Select(d => Path.GetFullPath(Path.Combine(d, LibraryFile)))
            .Distinct(StringComparer.Ordinal)
            .Where(File.Exists)
            .ToList();
    }

    private static bool InNuGetCache(string path)
    {
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(cache))
            cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return path.StartsWith(Path.GetFullPath(cache).TrimEnd('/') + "/", StringComparison.Ordinal)
            || path.Contains("/.nuget/packages/", StringComparison.Ordinal);
    }

    /// <summary>Patches <paramref name="path"/> (temp file + rename). False when the folder cannot be written.</summary>
    internal static bool TryPatchInPlace(string path, out ElfVersionPatcher.Outcome outcome)
    {
        try
        {
            outcome = ElfVersionPatcher.PatchFile(path, LibStdCxx, MissingVersion);
            return true;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            outcome = default;
            return false;
        }
    }

    /// <summary>
    /// Writes a patched copy of <paramref name="original"/> to a per-user folder keyed by its content, loads libtorch's
    /// libraries from the original folder (the copy finds them by soname, not through its $ORIGIN), then loads the copy.
    /// TorchSharp's later loads of "LibTorchSharp" by name end at the already loaded copy (glibc matches the soname),
    /// and its DllImports are also pointed at it.
    /// </summary>
    internal static string LoadPatchedPrivateCopy(string original)
    {
        byte[] elf = File.ReadAllBytes(original);
        ElfVersionPatcher.MarkNeededVersionWeak(elf, LibStdCxx, MissingVersion);
        string key = Convert.ToHexString(SHA256.HashData(elf))[..16].ToLowerInvariant();
        string copy = Path.Combine(PrivateRoot(), key, LibraryFile);
        if (!File.Exists(copy) || !File.ReadAllBytes(copy).AsSpan().SequenceEqual(elf))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(copy));
            ElfVersionPatcher.WriteReplacing(copy, elf);
        }

        string dir = Path.GetDirectoryName(original);
        foreach (string dependency in new[] { "libc10.so", "libtorch_cpu.so", "libtorch.so" })
        {
            string p = Path.Combine(dir, dependency);
            if (File.Exists(p)) NativeLibrary.Load(p);
        }
        IntPtr handle = NativeLibrary.Load(copy);
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(TorchSharp.torch).Assembly,
                (name, _, _) => name == "LibTorchSharp" ? handle : IntPtr.Zero);
        }
        catch (InvalidOperationException)
        {
            // Someone else set TorchSharp's resolver; loads by name still find the copy through its soname.
        }
        return copy;
    }

    private static string PrivateRoot()
    {
        string data = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
        if (string.IsNullOrEmpty(data))
            data = Path.Combine(Path.GetTempPath(), "mlnetcontextual-" + Environment.UserName);
        return Path.Combine(data, "MLNetContextual", "native");
    }
}

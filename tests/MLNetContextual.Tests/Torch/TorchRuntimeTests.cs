using System.Runtime.InteropServices;
using System.Security.Cryptography;
using MLNetContextual.Torch;
using TorchSharp;

namespace MLNetContextual.Tests.Torch;

public class TorchRuntimeTests
{
    private static string CachedLibTorchSharp()
    {
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(packages))
            packages = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", TorchRuntime.LibraryFile);
    }

    private static bool IsWeak(string path)
    {
        byte[] elf = File.ReadAllBytes(path);
        long at = ElfVersionPatcher.FindNeededVersionFlags(elf, TorchRuntime.LibStdCxx, TorchRuntime.MissingVersion);
        Assert.True(at > 0, $"{path} does not need {TorchRuntime.MissingVersion} from {TorchRuntime.LibStdCxx}.");
        return (BitConverter.ToUInt16(elf, (int)at) & ElfVersionPatcher.VerFlagWeak) != 0;
    }

    private static string Sha256(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public void TorchSharp_RunsInTheTestProcess()
    {
        TorchRuntime.EnsureLoaded();
        using var sum = torch.ones(2).sum();
        Assert.Equal(2f, sum.item<float>());

        // The build step (buildTransitive targets, imported through Directory.Build.targets) patched the bin copy.
        if (OperatingSystem.IsLinux() && !ElfVersionPatcher.SystemLibraryDefines(TorchRuntime.LibStdCxx, TorchRuntime.MissingVersion, out _))
        {
            string bin = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", TorchRuntime.LibraryFile);
            Assert.True(IsWeak(bin), $"{bin} was not patched by the build. TorchRuntime: {TorchRuntime.Report}");
        }
    }

    [SkippableFact]
    public void RuntimePatcher_PatchesPristineCopy_AndLeavesTheNuGetCacheUnchanged()
    {
        string cached = CachedLibTorchSharp();
        Skip.IfNot(OperatingSystem.IsLinux() && File.Exists(cached), "The Linux x64 TorchSharp package is not restored here.");
        string before = Sha256(cached);
        Assert.False(IsWeak(cached));

        string dir = Directory.CreateTempSubdirectory("mlnc-elf-").FullName;
        try
        {
            string copy = Path.Combine(dir, TorchRuntime.LibraryFile);
            File.Copy(cached, copy);
            Assert.True(TorchRuntime.TryPatchInPlace(copy, out var first));
            Assert.Equal(ElfVersionPatcher.Outcome.Patched, first);
            Assert.True(IsWeak(copy));
            Assert.True(TorchRuntime.TryPatchInPlace(copy, out var second));
            Assert.Equal(ElfVersionPatcher.Outcome.AlreadyWeak, second);

            // Only the two flag bytes differ from the original.
            byte[] a = File.ReadAllBytes(cached), b = File.ReadAllBytes(copy);
            Assert.Equal(a.Length, b.Length);
            Assert.Single(Enumerable.Range(0, a.Length), i => a[i] != b[i]);

            // A hard link (what a copy-local build may make of a cache file) is replaced, never written through.
            string linkSource = Path.Combine(dir, "pristine.so"), link = Path.Combine(dir, "link.so");
            File.Copy(cached, linkSource);
            Assert.Equal(0, Link(linkSource, link));
            Assert.True(TorchRuntime.TryPatchInPlace(link, out _));
            Assert.True(IsWeak(link));
            Assert.False(IsWeak(linkSource));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        Assert.Equal(before, Sha256(cached));
    }

    [SkippableFact]
    public void ElfReader_ListsTheSystemLibStdCxxVersions()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "ELF libraries are read on Linux only.");
        ElfVersionPatcher.SystemLibraryDefines(TorchRuntime.LibStdCxx, TorchRuntime.MissingVersion, out string found);
        Assert.NotNull(found);
        var versions = ElfVersionPatcher.DefinedVersions(File.ReadAllBytes(found));
        Assert.Contains("GLIBCXX_3.4", versions);
        Assert.Contains("CXXABI_1.3", versions);
    }

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link(string existing, string newPath);
}

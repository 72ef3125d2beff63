using System.Reflection;
using MLNetContextual.Cli.Sweep;

namespace MLNetContextual.Cli.Output;

/// <summary>
/// How a generated project finds MLNetContextual: a ProjectReference to the repository's projects when mlnetctx runs
/// from a checkout of it (or the output folder is inside one), else PackageReferences at this mlnetctx's version.
/// ML.NET's own packages are always PackageReferences at the version mlnetctx was built with.
/// </summary>
public sealed class LibraryReferences
{
    private LibraryReferences(string repository, string libraryVersion, string mlVersion)
    {
        Repository = repository;
        LibraryVersion = libraryVersion;
        MLVersion = mlVersion;
    }

    /// <summary>The repository root used for ProjectReferences, or null (PackageReferences).</summary>
    public string Repository { get; }

    /// <summary>The MLNetContextual package version referenced without a repository.</summary>
    public string LibraryVersion { get; }

    /// <summary>The Microsoft.ML version (the library pins it exactly).</summary>
    public string MLVersion { get; }

    /// <summary>Chooses for <paramref name="mode"/> (auto, repo, package), looking from the output folder and from mlnetctx itself.</summary>
    public static LibraryReferences Choose(string mode, string outputFolder)
    {
        string repo = mode switch
        {
            "package" => null,
            _ when mode?.StartsWith("repo:", StringComparison.Ordinal) == true => FindRepository(mode[5..])
                ?? throw new ArgumentException($"--library-reference {mode}: no MLNetContextual repository (src/Transforms/MLNetContextual.csproj) at or above '{mode[5..]}'."),
            "repo" => FindRepository(outputFolder) ?? FindRepository(AppContext.BaseDirectory)
                ?? throw new ArgumentException("--library-reference repo: no MLNetContextual repository above the output folder or mlnetctx."),
            "auto" or null or "" => FindRepository(outputFolder) ?? FindRepository(AppContext.BaseDirectory),
            _ => throw new ArgumentException($"--library-reference '{mode}': expected auto, repo, repo:<path> or package."),
        };
        return new LibraryReferences(repo, Version(typeof(ContextualEncoder).Assembly), Version(typeof(Microsoft.ML.MLContext).Assembly));
    }

    /// <summary>The MSBuild items for a project in <paramref name="projectFolder"/> that uses the given packages.</summary>
    public string Items(string projectFolder, bool estimators, IEnumerable<string> trainerPackages)
    {
        var lines = new List<string>();
        if (Repository != null)
        {
            lines.Add($"""    <ProjectReference Include="{Relative(projectFolder, Path.Combine(Repository, "src", "Transforms", "MLNetContextual.csproj"))}" />""");
            if (estimators)
                lines.Add($"""    <ProjectReference Include="{Relative(projectFolder, Path.Combine(Repository, "src", "Estimators", "MLNetContextual.Estimators.csproj"))}" />""");
        }
        else
        {
            lines.Add($"""    <PackageReference Include="MLNetContextual" Version="{LibraryVersion}" />""");
            if (estimators)
                lines.Add($"""    <PackageReference Include="MLNetContextual.Estimators" Version="{LibraryVersion}" />""");
        }
        lines.Add($"""    <PackageReference Include="Microsoft.ML" Version="[{MLVersion}]" />""");
        foreach (var package in trainerPackages.Distinct())
            lines.Add($"""    <PackageReference Include="{package}" Version="[{MLVersion}]" />""");
        return string.Join(Environment.NewLine, lines);
    }

    // Relative inside the repository (the generated project moves with it), absolute from elsewhere.
    private string Relative(string from, string to) =>
        (Path.GetFullPath(from).StartsWith(Repository + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? Path.GetRelativePath(from, to) : to).Replace('\\', '/');

    private static string FindRepository(string start)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "src", "Transforms", "MLNetContextual.csproj")))
                return dir.FullName;
        return null;
    }

    private static string Version(Assembly assembly)
    {
        string v = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString(3) ?? "1.0.0";
        int plus = v.IndexOf('+');
        return plus >= 0 ? v[..plus] : v;
    }

    /// <summary>The trainer packages a candidate needs beside Microsoft.ML.</summary>
    public static IEnumerable<string> PackagesOf(Candidate c) => c.Trainer?.Package is string p ? [p] : [];
}

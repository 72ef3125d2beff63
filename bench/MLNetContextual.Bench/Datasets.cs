namespace MLNetContextual.Bench;

/// <summary>Where the shared datasets are: ../shared/datasets beside the repository, or MLNETCTX_DATASETS.</summary>
internal static class Datasets
{
    public static string Root
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("MLNETCTX_DATASETS");
            if (!string.IsNullOrEmpty(env))
                return env;
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "datasets");
                if (Directory.Exists(candidate))
                    return candidate;
            }
            throw new DirectoryNotFoundException("shared/datasets not found beside the repository; set MLNETCTX_DATASETS.");
        }
    }

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);
}

namespace OpenChat.Bench.Infrastructure;

/// <summary>Finds the repository root (the folder with OpenChat.sln) and the app's build output in it.</summary>
public static class RepositoryPaths
{
    public const string SolutionFile = "OpenChat.sln";
    public const string AppDll = "OpenChat.Web.dll";

    /// <summary>Walks up from the bench's own folder; null when it does not run from inside the repository.</summary>
    public static string? FindRoot(string? start = null)
    {
        for (var dir = new DirectoryInfo(start ?? AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    /// <summary>
    /// The app to run: <paramref name="overridePath"/> (a dll or a folder holding OpenChat.Web.dll), else the web
    /// project's Release build output. Throws with a hint when it is missing.
    /// </summary>
    public static string ResolveAppDll(string? overridePath)
    {
        if (!string.IsNullOrWhiteSpace(overridePath))
        {
            var full = Path.GetFullPath(overridePath);
            var dll = Directory.Exists(full) ? Path.Combine(full, AppDll) : full;
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"--app: {dll} does not exist.");
        }

        var root = FindRoot() ?? throw new InvalidOperationException(
            $"Cannot find {SolutionFile} above {AppContext.BaseDirectory}; pass --app <path to {AppDll}>.");
        var candidate = Path.Combine(root, "OpenChat.Web", "bin", "Release", "net10.0", AppDll);
        return File.Exists(candidate)
            ? candidate
            : throw new FileNotFoundException(
                $"{candidate} does not exist. Build it first: dotnet build -c Release bench/OpenChat.Bench (or pass --app).");
    }

    /// <summary><c>bench/results</c> under the repository root (git-ignored), else ./bench-results.</summary>
    public static string ResultsFolder()
    {
        var root = FindRoot();
        var folder = root is null ? Path.GetFullPath("bench-results") : Path.Combine(root, "bench", "results");
        Directory.CreateDirectory(folder);
        return folder;
    }
}

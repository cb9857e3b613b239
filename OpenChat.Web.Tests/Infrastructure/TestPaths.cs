namespace OpenChat.Web.Tests.Infrastructure;

/// <summary>Where test artefacts go: <c>OpenChat.Web.Tests/TestResults</c> at the repository root, so CI can collect them.</summary>
public static class TestPaths
{
    private static readonly Lazy<string> RepositoryRootLazy = new(FindRepositoryRoot);

    /// <summary>The folder holding <c>OpenChat.sln</c>, found by walking up from the test assembly's folder.</summary>
    public static string RepositoryRoot => RepositoryRootLazy.Value;

    /// <summary><c>{repo}/OpenChat.Web.Tests/TestResults</c> (created on demand).</summary>
    public static string TestResults => Directory.CreateDirectory(Path.Combine(RepositoryRoot, "OpenChat.Web.Tests", "TestResults")).FullName;

    /// <summary>A sub-folder of <see cref="TestResults"/>, created on demand.</summary>
    public static string TestResultsFolder(string name) => Directory.CreateDirectory(Path.Combine(TestResults, name)).FullName;

    /// <summary>Makes a test or artefact name safe as a file name (letters, digits, '-', '_', '.').</summary>
    public static string SafeFileName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray();
        var safe = new string(chars).Trim('.');
        return safe.Length == 0 ? "unnamed" : safe.Length > 120 ? safe[..120] : safe;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OpenChat.sln")))
            {
                return dir.FullName;
            }
        }

        // Not inside the repository (a copied test folder): keep artefacts beside the assembly.
        return AppContext.BaseDirectory;
    }
}

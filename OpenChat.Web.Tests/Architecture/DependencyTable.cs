using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Architecture;

/// <summary>The table under the heading "Dependencies" in docs/architecture.md: each folder and the folders it may use.</summary>
public sealed class DependencyTable
{
    private readonly Dictionary<string, HashSet<string>> _mayUse;
    private readonly HashSet<(string, string)> _toUntie;

    private DependencyTable(Dictionary<string, HashSet<string>> mayUse, HashSet<(string, string)> toUntie)
    {
        _mayUse = mayUse;
        _toUntie = toUntie;
    }

    public IReadOnlyCollection<string> Folders => _mayUse.Keys;

    public IEnumerable<(string From, string To)> Uses => _mayUse.SelectMany(f => f.Value.Select(to => (f.Key, to)));

    public static DependencyTable Read()
    {
        var lines = File.ReadAllLines(Path.Combine(TestPaths.RepositoryRoot, "docs", "architecture.md"));
        var start = Array.FindIndex(lines, l => l.Trim() == "## Dependencies");
        Assert.True(start >= 0, "docs/architecture.md has no heading \"## Dependencies\"");
        var mayUse = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var toUntie = new HashSet<(string, string)>();
        foreach (var line in lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal)))
        {
            var cells = line.Trim().Trim('|').Split('|').Select(c => c.Trim().Replace("`", string.Empty, StringComparison.Ordinal)).ToArray();
            if (!line.TrimStart().StartsWith('|') || cells.Length < 2 || cells[0] is "Folder" || cells[0].StartsWith('-'))
            {
                continue;
            }

            var uses = cells[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(f => f != "—").ToList();
            mayUse[cells[0]] = uses.Select(f => f.TrimEnd('*')).ToHashSet(StringComparer.Ordinal);
            toUntie.UnionWith(uses.Where(f => f.EndsWith('*')).Select(f => (cells[0], f.TrimEnd('*'))));
        }

        Assert.NotEmpty(mayUse);
        return new DependencyTable(mayUse, toUntie);
    }

    public bool Allows(string from, string to) => _mayUse.TryGetValue(from, out var allowed) && allowed.Contains(to);

    /// <summary>A path of unmarked uses that comes back to where it started, or null when there is none.</summary>
    public IReadOnlyList<string>? FindCycle()
    {
        var done = new HashSet<string>();
        var path = new List<string>();

        IReadOnlyList<string>? Visit(string folder)
        {
            var at = path.IndexOf(folder);
            if (at >= 0)
            {
                return [.. path.Skip(at), folder];
            }

            if (!done.Add(folder))
            {
                return null;
            }

            path.Add(folder);
            foreach (var next in (_mayUse.GetValueOrDefault(folder) ?? []).Where(n => !_toUntie.Contains((folder, n))).Order())
            {
                if (Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            return null;
        }

        return _mayUse.Keys.Order().Select(Visit).FirstOrDefault(c => c is not null);
    }
}

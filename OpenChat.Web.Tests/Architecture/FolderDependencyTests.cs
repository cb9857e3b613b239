using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Architecture;

/// <summary>
/// The capability folders depend on each other only as the table under "Dependencies" in docs/architecture.md
/// allows, and its unmarked uses have no cycle. Read from the compiled app, so a use the table forbids fails here.
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed class FolderDependencyTests
{
    private static readonly string AppAssembly = typeof(OpenChat.Web.Chats.Chat).Assembly.Location;

    [Fact]
    public void Folders_use_only_what_the_table_allows()
    {
        var table = DependencyTable.Read();
        var forbidden = FolderUses()
            .Where(u => !table.Allows(u.From, u.To))
            .GroupBy(u => (u.From, u.To))
            .Select(g => $"{g.Key.From} -> {g.Key.To}: " + string.Join("; ", g.Select(u => $"{u.User} uses {u.Used}").Order().Take(5)))
            .Order()
            .ToList();

        Assert.True(forbidden.Count == 0, "Folder dependencies the table in docs/architecture.md does not allow:\n" + string.Join("\n", forbidden));
    }

    [Fact]
    public void Every_use_the_table_allows_is_made()
    {
        var table = DependencyTable.Read();
        var made = FolderUses().Select(u => (u.From, u.To)).ToHashSet();

        var stale = table.Uses.Where(u => !made.Contains(u)).Select(u => $"{u.From} -> {u.To}").Order().ToList();

        Assert.True(stale.Count == 0, "The table in docs/architecture.md allows uses no type makes (remove them, so they cannot hide a new one): " + string.Join(", ", stale));
    }

    [Fact]
    public void Every_folder_of_the_app_is_in_the_table()
    {
        var table = DependencyTable.Read();
        var folders = TypeReferences.Read(AppAssembly).Select(p => Folder(p.User)).OfType<string>().ToHashSet();

        var missing = folders.Where(f => !table.Folders.Contains(f)).Order().ToList();

        Assert.True(missing.Count == 0, "Folders missing from the table in docs/architecture.md: " + string.Join(", ", missing));
    }

    [Fact]
    public void The_unmarked_uses_have_no_cycle()
    {
        var table = DependencyTable.Read();

        var cycle = table.FindCycle();

        Assert.True(cycle is null, "The dependency table allows a cycle of unmarked uses: " + string.Join(" -> ", cycle ?? []));
    }

    private static IEnumerable<(string From, string To, string User, string Used)> FolderUses() =>
        from pair in TypeReferences.Read(AppAssembly)
        let user = Folder(pair.User)
        let used = Folder(pair.Used)
        where user is not null && used is not null && user != used
        select (user, used, pair.User, pair.Used);

    /// <summary>The capability folder of a type: the namespace part after <c>OpenChat.Web</c>; Razor's generated pages are <c>Pages</c>.</summary>
    private static string? Folder(string typeName)
    {
        var parts = typeName.Split('.');
        if (parts[0] == "AspNetCoreGeneratedDocument")
        {
            return "Pages";
        }

        // Types directly in OpenChat.Web (Program, the composition root) may use every folder.
        return parts.Length >= 4 && parts[0] == "OpenChat" && parts[1] == "Web" ? parts[2] : null;
    }
}

using Microsoft.Extensions.Options;
using OpenChat.Web.Hosting;
using OpenChat.Web.Storage.Files;

namespace OpenChat.Web.Storage.Fallback;

/// <summary>
/// The file store that holds writes while Postgres is down: <c>{DataPath}/spool</c>, the same layout as the file
/// store, plus <c>tombstones/</c> (chats deleted during the outage). Emptied once replayed into Postgres.
/// </summary>
public sealed class Spool
{
    public const string FolderName = "spool";
    private const string TombstonesFolder = "tombstones";

    public Spool(IOptions<StorageOptions> options)
    {
        Root = Path.Combine(options.Value.FullDataPath, FolderName);
        Store = new FileStore(Options.Create(new StorageOptions { DataPath = Root }));
        Chats = new FileChatRepository(Store);
        Preferences = new FilePreferenceRepository(Store);
        Keys = new FileKeyVaultRepository(Store);
        Ledger = new FileReplyLedger(Store);
        SessionStamps = new FileSessionStampRepository(Store);
    }

    public string Root { get; }

    public FileStore Store { get; }

    public FileChatRepository Chats { get; }

    public FilePreferenceRepository Preferences { get; }

    public FileKeyVaultRepository Keys { get; }

    public FileReplyLedger Ledger { get; }

    public FileSessionStampRepository SessionStamps { get; }

    public string OwnersFolder => Path.Combine(Root, "owners");

    /// <summary>Records waiting to be replayed: chats, messages, preferences, keys, ledgers and tombstones.</summary>
    public int RecordCount()
    {
        if (!Directory.Exists(Root))
        {
            return 0;
        }

        return Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Count(path => !Path.GetFileName(path).StartsWith('.') && Path.GetFileName(path) != FileMessageIndex.FileName && !path.Contains($"{Path.DirectorySeparatorChar}streaming{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
    }

    public void AddTombstone(string ownerId, Guid chatId)
    {
        Store.OwnerFolder(ownerId); // validates the owner id for a file name
        var folder = OwnerOnly.CreateFolder(Path.Combine(Root, TombstonesFolder)).FullName;
        OwnerOnly.WriteAllBytes(Path.Combine(folder, $"{ownerId}~{chatId:N}"), []);
    }

    public bool HasTombstone(string ownerId, Guid chatId) =>
        File.Exists(Path.Combine(Root, TombstonesFolder, $"{ownerId}~{chatId:N}"));

    public IEnumerable<(string OwnerId, Guid ChatId)> Tombstones()
    {
        var folder = Path.Combine(Root, TombstonesFolder);
        if (!Directory.Exists(folder))
        {
            yield break;
        }

        foreach (var path in Directory.EnumerateFiles(folder))
        {
            var parts = Path.GetFileName(path).Split('~');
            if (parts.Length == 2 && Guid.TryParse(parts[1], out var chatId))
            {
                yield return (parts[0], chatId);
            }
        }
    }

    /// <summary>Removes everything at once (rename, then delete), after a full replay.</summary>
    public void Clear()
    {
        if (Directory.Exists(Root))
        {
            FileStore.DeleteFolderAtomic(Root);
        }
    }
}

using Microsoft.Extensions.Options;
using OpenChat.Web.Accounts;
using OpenChat.Web.Chats;
using OpenChat.Web.OpenRouter;
using OpenChat.Web.Storage;
using OpenChat.Web.Storage.Files;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Storage;

[Trait("Category", TestCategories.Unit)]
public sealed class FileOwnerDataRepositoryTests : OwnerDataRepositoryContract, IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("openchat-owners-");
    private readonly FileMemberRepository _members;

    public FileOwnerDataRepositoryTests()
    {
        var store = new FileStore(Options.Create(new StorageOptions { DataPath = _folder.FullName }));
        _members = new FileMemberRepository(store);
        Preferences = new FilePreferenceRepository(store);
        Keys = new FileKeyVaultRepository(store);
        Ledger = new FileReplyLedger(store);
        Chats = new FileChatRepository(store);
    }

    protected override IMemberRepository Members => _members;

    protected override IPreferenceRepository Preferences { get; }

    protected override IKeyVaultRepository Keys { get; }

    protected override IReplyLedger Ledger { get; }

    protected override IChatRepository Chats { get; }

    public void Dispose()
    {
        _members.Dispose();
        _folder.Delete(recursive: true);
    }
}

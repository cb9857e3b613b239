using Microsoft.Extensions.Options;
using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Search;
using OpenChat.Web.Hosting;
using OpenChat.Web.Storage;
using OpenChat.Web.Storage.Files;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Storage;

[Trait("Category", TestCategories.Unit)]
public sealed class FileChatSearchTests : ChatSearchContract, IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("openchat-search-");

    public FileChatSearchTests()
    {
        var store = new FileStore(Options.Create(new StorageOptions { DataPath = _folder.FullName }));
        Repository = new FileChatRepository(store);
        Search = new FileChatSearch(store);
    }

    protected override IChatRepository Repository { get; }

    protected override IChatSearch Search { get; }

    public void Dispose() => _folder.Delete(recursive: true);
}

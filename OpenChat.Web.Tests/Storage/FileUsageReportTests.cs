using Microsoft.Extensions.Options;
using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Usage;
using OpenChat.Web.Hosting;
using OpenChat.Web.Storage;
using OpenChat.Web.Storage.Files;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Storage;

[Trait("Category", TestCategories.Unit)]
public sealed class FileUsageReportTests : UsageReportContract, IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("openchat-usage-");

    public FileUsageReportTests()
    {
        var store = new FileStore(Options.Create(new StorageOptions { DataPath = _folder.FullName }));
        Repository = new FileChatRepository(store);
        Report = new FileUsageReport(store);
    }

    protected override IChatRepository Repository { get; }

    protected override IUsageReport Report { get; }

    public void Dispose() => _folder.Delete(recursive: true);
}

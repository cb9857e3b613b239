using Microsoft.Extensions.Options;
using OpenChat.Web.Hosting;
using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Attachments;
using OpenChat.Web.Storage;
using OpenChat.Web.Storage.Files;
using OpenChat.Web.Storage.Postgres;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Storage;

[Trait("Category", TestCategories.Unit)]
public sealed class FileAttachmentStoreTests : AttachmentStoreContract, IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("openchat-attachments-");

    public FileAttachmentStoreTests()
    {
        var store = new FileStore(Options.Create(new StorageOptions { DataPath = _folder.FullName }));
        (Repository, Attachments) = (new FileChatRepository(store), new FileAttachmentStore(store));
    }

    protected override IChatRepository Repository { get; }

    protected override IAttachmentStore Attachments { get; }

    public void Dispose() => _folder.Delete(recursive: true);
}

[Trait("Category", TestCategories.Integration)]
public sealed class PostgresAttachmentStoreTests(PostgresChatRepositoryTests.MigratedDatabase database)
    : AttachmentStoreContract, IClassFixture<PostgresChatRepositoryTests.MigratedDatabase>
{
    protected override IChatRepository Repository { get; } = new PostgresChatRepository(database.DataSource);

    protected override IAttachmentStore Attachments { get; } = new PostgresAttachmentStore(database.DataSource);
}

using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Search;
using OpenChat.Web.Storage.Postgres;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Storage;

[Trait("Category", TestCategories.Integration)]
public sealed class PostgresChatSearchTests(PostgresChatRepositoryTests.MigratedDatabase database)
    : ChatSearchContract, IClassFixture<PostgresChatRepositoryTests.MigratedDatabase>
{
    protected override IChatRepository Repository { get; } = new PostgresChatRepository(database.DataSource);

    protected override IChatSearch Search { get; } = new PostgresChatSearch(database.DataSource);
}

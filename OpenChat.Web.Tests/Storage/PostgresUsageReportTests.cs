using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Usage;
using OpenChat.Web.Storage.Postgres;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Storage;

[Trait("Category", TestCategories.Integration)]
public sealed class PostgresUsageReportTests(PostgresChatRepositoryTests.MigratedDatabase database)
    : UsageReportContract, IClassFixture<PostgresChatRepositoryTests.MigratedDatabase>
{
    protected override IChatRepository Repository { get; } = new PostgresChatRepository(database.DataSource);

    protected override IUsageReport Report { get; } = new PostgresUsageReport(database.DataSource);
}

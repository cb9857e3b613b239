using OpenChat.Web.Accounts;
using OpenChat.Web.Chats;
using OpenChat.Web.OpenRouter;
using OpenChat.Web.Storage.Postgres;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Storage;

[Trait("Category", TestCategories.Integration)]
public sealed class PostgresOwnerDataRepositoryTests(PostgresChatRepositoryTests.MigratedDatabase database)
    : OwnerDataRepositoryContract, IClassFixture<PostgresChatRepositoryTests.MigratedDatabase>
{
    protected override IMemberRepository Members { get; } = new PostgresMemberRepository(database.DataSource);

    protected override IPreferenceRepository Preferences { get; } = new PostgresPreferenceRepository(database.DataSource);

    protected override IKeyVaultRepository Keys { get; } = new PostgresKeyVaultRepository(database.DataSource);

    protected override IReplyLedger Ledger { get; } = new PostgresReplyLedger(database.DataSource);

    protected override IChatRepository Chats { get; } = new PostgresChatRepository(database.DataSource);
}

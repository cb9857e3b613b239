using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OpenChat.Web.Chats;
using OpenChat.Web.Storage.Postgres;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Storage;

[Trait("Category", TestCategories.Integration)]
public sealed class PostgresChatRepositoryTests : ChatRepositoryContract, IClassFixture<PostgresChatRepositoryTests.MigratedDatabase>
{
    public PostgresChatRepositoryTests(MigratedDatabase database)
    {
        Repository = new PostgresChatRepository(database.DataSource);
    }

    protected override IChatRepository Repository { get; }

    public sealed class MigratedDatabase : IAsyncLifetime
    {
        private readonly PostgresDatabase _database = new();

        public NpgsqlDataSource DataSource { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            await _database.InitializeAsync();
            DataSource = NpgsqlDataSource.Create(_database.ConnectionString);
            await new MigrationRunner(DataSource, NullLogger<MigrationRunner>.Instance).ApplyAsync(default);
        }

        public async Task DisposeAsync()
        {
            await DataSource.DisposeAsync();
            await _database.DisposeAsync();
        }
    }
}

namespace OpenChat.Web.Tests.Infrastructure;

/// <summary>
/// xunit class fixture (<c>IClassFixture&lt;PostgresDatabase&gt;</c>): a fresh database per test class on the shared <see cref="TempPostgres"/> cluster.
/// The database is left in place (the cluster is deleted at exit); on a <c>TEST_PG_CONNECTION</c> server it is dropped at exit.
/// </summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    private string? _connectionString;

    /// <summary>Npgsql keyword connection string (Host=127.0.0.1;Port=...;Username=app;Database=t_...).</summary>
    public string ConnectionString => _connectionString ?? throw new InvalidOperationException("PostgresDatabase is not initialised yet (xunit calls InitializeAsync before the tests).");

    public TempPostgres Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await TempPostgres.SharedAsync();
        _connectionString = await Server.CreateDatabaseAsync("t");
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

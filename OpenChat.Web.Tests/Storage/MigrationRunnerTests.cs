using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OpenChat.Web.Storage.Postgres;
using OpenChat.Web.Tests.Infrastructure;

namespace OpenChat.Web.Tests.Storage;

[Trait("Category", TestCategories.Integration)]
public sealed class MigrationRunnerTests
{
    [Fact]
    public async Task Applying_migrations_twice_changes_nothing_the_second_time()
    {
        var postgres = await TempPostgres.SharedAsync();
        var connectionString = await postgres.CreateDatabaseAsync("migrate");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var runner = new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance);

        var first = await runner.ApplyAsync(default);
        var schemaAfterFirst = await DescribeSchemaAsync(dataSource);
        var second = await runner.ApplyAsync(default);

        Assert.Equal(MigrationRunner.LoadScripts().Count, first);
        Assert.Equal(0, second);
        Assert.Equal(schemaAfterFirst, await DescribeSchemaAsync(dataSource));
        Assert.Contains("messages.status text", schemaAfterFirst);
        var status = await runner.GetStatusAsync(default);
        Assert.Equal((MigrationRunner.LoadScripts().Count, 0), (status.Applied, status.Pending));
    }

    [Fact]
    public async Task A_fresh_database_is_migrated_before_anything_reads_from_it()
    {
        var postgres = await TempPostgres.SharedAsync();
        var connectionString = await postgres.CreateDatabaseAsync("fresh");
        using var app = new AppHost(new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = connectionString }).Start();

        using var client = app.CreateHttpClient();
        using var page = await client.GetAsync(new Uri("/chat", UriKind.Relative));

        Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
        // Data Protection reads its key ring at start: from a table the migrations must already have made.
        Assert.DoesNotContain(app.LogLines, l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal));
        Assert.DoesNotContain(app.LogLines, l => l.Contains("data_protection_keys\" does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_hosts_starting_together_on_one_database_both_come_up_and_migrate_once()
    {
        var postgres = await TempPostgres.SharedAsync();
        var connectionString = await postgres.CreateDatabaseAsync("twohosts");
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = connectionString };
        using var first = new AppHost(settings);
        using var second = new AppHost(settings);

        await Task.WhenAll(Task.Run(() => first.Start()), Task.Run(() => second.Start()));

        foreach (var host in new[] { first, second })
        {
            using var client = host.CreateHttpClient();
            using var response = await client.GetAsync(new Uri("/readyz", UriKind.Relative));
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("postgres", body.GetProperty("storage").GetProperty("data").GetProperty("storage_backend").GetString());
        }

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var connection = await dataSource.OpenConnectionAsync();
        var versions = (await connection.QueryAsync<int>("select version from schema_migrations order by version")).ToList();
        Assert.Equal(MigrationRunner.LoadScripts().Select(s => s.Version), versions);
    }

    private static async Task<string> DescribeSchemaAsync(NpgsqlDataSource dataSource)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var columns = await connection.QueryAsync<string>(
            """
            select table_name || '.' || column_name || ' ' || data_type
            from information_schema.columns where table_schema = 'public'
            order by table_name, ordinal_position
            """);
        var indexes = await connection.QueryAsync<string>("select indexdef from pg_indexes where schemaname = 'public' order by indexname");
        var journal = await connection.QueryAsync<string>("select version || ' ' || name from schema_migrations order by version");
        return string.Join('\n', columns.Concat(indexes).Concat(journal));
    }
}

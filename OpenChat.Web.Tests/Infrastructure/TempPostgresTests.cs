using Npgsql;

namespace OpenChat.Web.Tests.Infrastructure;

[Trait("Category", TestCategories.Integration)]
public sealed class TempPostgresTests
{
    [Fact]
    public async Task Two_created_databases_are_distinct_and_reachable()
    {
        var pg = await TempPostgres.SharedAsync();
        var first = await pg.CreateDatabaseAsync("harness");
        var second = await pg.CreateDatabaseAsync("harness");

        Assert.NotEqual(first, second);
        await ExecuteAsync(first, "create table marker (id int primary key); insert into marker values (1)");
        Assert.Equal(1L, await ScalarAsync<long>(first, "select count(*) from marker"));
        Assert.Equal(0L, await ScalarAsync<long>(second, "select count(*) from pg_tables where tablename = 'marker'"));
        Assert.StartsWith("harness_", await ScalarAsync<string>(first, "select current_database()"), StringComparison.Ordinal);
        Assert.NotEqual(await ScalarAsync<string>(first, "select current_database()"), await ScalarAsync<string>(second, "select current_database()"));
    }

    [Fact]
    public async Task Shared_cluster_is_one_instance_per_run()
    {
        var tasks = Enumerable.Range(0, 4).Select(_ => Task.Run(TempPostgres.SharedAsync)).ToArray();
        var instances = await Task.WhenAll(tasks);
        Assert.All(instances, i => Assert.Same(instances[0], i));
        Assert.Equal("postgres", new NpgsqlConnectionStringBuilder(instances[0].AdminConnectionString).Database);
    }

    [Fact]
    public async Task Shared_cluster_refuses_to_stop()
    {
        var pg = await TempPostgres.SharedAsync();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(pg.StopAsync);
        Assert.Contains("CreateAsync", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Private_cluster_keeps_data_across_stop_and_start()
    {
        await using var pg = await TempPostgres.CreateAsync();
        var db = await pg.CreateDatabaseAsync("outage");
        await ExecuteAsync(db, "create table kept (v text); insert into kept values ('survives')");

        await pg.StopAsync();
        await pg.StopAsync(); // twice is fine
        NpgsqlConnection.ClearAllPools();
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => ScalarAsync<string>(db, "select v from kept"));

        await pg.StartAsync();
        Assert.Equal("survives", await ScalarAsync<string>(db, "select v from kept"));
    }

    [Fact]
    public async Task Private_cluster_folder_is_deleted_on_dispose()
    {
        var pg = await TempPostgres.CreateAsync();
        var folder = pg.Directory!;
        Assert.True(Directory.Exists(folder));
        await pg.DisposeAsync();
        Assert.False(Directory.Exists(folder));
    }

    internal static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    internal static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace OpenChat.Bench.Infrastructure;

/// <summary>
/// A Postgres for scenarios that need one: <c>BENCH_PG_CONNECTION</c> (a role that may create databases) when set,
/// else a throwaway cluster (initdb + pg_ctl from /usr/lib/postgresql/N/bin into a temp folder, loopback, fsync off)
/// that is stopped and deleted on dispose. Each call to <see cref="CreateDatabaseAsync"/> gives a fresh database.
/// </summary>
public sealed class BenchPostgres : IAsyncDisposable
{
    private readonly string _admin;
    private readonly string? _root;
    private readonly string? _bin;
    private readonly List<string> _databases = [];

    private BenchPostgres(string admin, string? root, string? bin)
    {
        _admin = admin;
        _root = root;
        _bin = bin;
    }

    public string Description { get; private init; } = "";

    public static async Task<BenchPostgres> StartAsync(TextWriter log)
    {
        var external = Environment.GetEnvironmentVariable("BENCH_PG_CONNECTION");
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new BenchPostgres(OpenChat.Web.Storage.PostgresConnectionString.Normalize(external), null, null) { Description = "BENCH_PG_CONNECTION" };
        }

        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb"))).Order().LastOrDefault()
            : null;
        if (bin is null)
        {
            throw new InvalidOperationException("This scenario needs Postgres: set BENCH_PG_CONNECTION, or install the server (apt-get install postgresql).");
        }

        var root = Directory.CreateTempSubdirectory("openchat-bench-pg-").FullName;
        if (Environment.IsPrivilegedProcess)
        {
            await RunAsync("chown", ["postgres:postgres", root]);
        }

        await log.WriteLineAsync($"[postgres] initdb in {root}");
        await RunPgAsync(bin, "initdb", ["-D", Path.Combine(root, "data"), "-A", "trust", "-U", "bench", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"]);
        var port = FreePort();
        var options = string.Create(CultureInfo.InvariantCulture, $"-p {port} -c listen_addresses=127.0.0.1 -k {root} -c fsync=off -c full_page_writes=off -c max_connections=100");
        await RunPgAsync(bin, "pg_ctl", ["-D", Path.Combine(root, "data"), "-l", Path.Combine(root, "pg.log"), "-w", "-t", "60", "-o", options, "start"]);
        var admin = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = port, Username = "bench", Database = "postgres" }.ConnectionString;
        var version = Path.GetFileName(Path.GetDirectoryName(bin));
        return new BenchPostgres(admin, root, bin) { Description = $"throwaway PostgreSQL {version} cluster (fsync off)" };
    }

    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(40, prefix.Length + 33)];
        await using (var connection = new NpgsqlConnection(_admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"create database \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        _databases.Add(name);
        return new NpgsqlConnectionStringBuilder(_admin) { Database = name }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_root is null)
        {
            await using var connection = new NpgsqlConnection(_admin);
            await connection.OpenAsync();
            foreach (var name in _databases)
            {
                await using var command = new NpgsqlCommand($"drop database if exists \"{name}\" with (force)", connection);
                await command.ExecuteNonQueryAsync();
            }

            return;
        }

        try
        {
            await RunPgAsync(_bin!, "pg_ctl", ["-D", Path.Combine(_root, "data"), "-m", "immediate", "-w", "-t", "30", "stop"]);
        }
        finally
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static Task RunPgAsync(string bin, string tool, string[] arguments) =>
        Environment.IsPrivilegedProcess
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(bin, tool), .. arguments])
            : RunAsync(Path.Combine(bin, tool), arguments);

    private static async Task RunAsync(string fileName, string[] arguments)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error}{await output}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

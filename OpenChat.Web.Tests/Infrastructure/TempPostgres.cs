using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace OpenChat.Web.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster (initdb + pg_ctl into a temp folder, loopback only, fsync off).
/// <see cref="SharedAsync"/> gives ONE cluster per test run, shared by every test class; it is stopped and deleted at process exit.
/// <para>
/// When <c>TEST_PG_CONNECTION</c> is set, the shared instance uses that server instead (its role needs CREATEDB, because
/// <see cref="CreateDatabaseAsync"/> creates databases there; they are dropped at process exit).
/// </para>
/// <para>
/// Outage tests must NOT stop the shared cluster: every other test class runs on it in parallel. Use
/// <see cref="CreateAsync"/> for a private cluster, which <see cref="StopAsync"/>/<see cref="StartAsync"/> may take down and bring back.
/// On the shared instance (and on an external server) those two throw <see cref="InvalidOperationException"/>.
/// </para>
/// </summary>
public sealed class TempPostgres : IAsyncDisposable
{
    private const string SuperUser = "app";
    private static readonly Lazy<Task<TempPostgres>> Shared = new(() => StartClusterAsync(shared: true), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    private readonly SemaphoreSlim _stateGate = new(1, 1);
    private readonly List<string> _createdDatabases = [];
    private readonly string? _root;
    private readonly string? _bin;
    private readonly bool _shared;
    private bool _running;
    private bool _disposed;

    private TempPostgres(string adminConnectionString, bool shared, string? root, string? bin, int port)
    {
        AdminConnectionString = adminConnectionString;
        _shared = shared;
        _root = root;
        _bin = bin;
        Port = port;
        _running = true;
    }

    /// <summary>The shared cluster of this test run (created on first use).</summary>
    public static Task<TempPostgres> SharedAsync() => Shared.Value;

    /// <summary>A private cluster owned by the caller (dispose it). Ignores <c>TEST_PG_CONNECTION</c>: outage tests need a server they may stop.</summary>
    public static Task<TempPostgres> CreateAsync() => StartClusterAsync(shared: false);

    /// <summary>Superuser connection to the <c>postgres</c> database (or <c>TEST_PG_CONNECTION</c> as given).</summary>
    public string AdminConnectionString { get; }

    /// <summary>True when this instance is the server named by <c>TEST_PG_CONNECTION</c> (not started by the tests).</summary>
    public bool IsExternal => _root is null;

    /// <summary>True when <see cref="StopAsync"/>/<see cref="StartAsync"/> are allowed: a private cluster from <see cref="CreateAsync"/>.</summary>
    public bool CanStopAndStart => !IsExternal && !_shared;

    public int Port { get; }

    /// <summary>The cluster's folder (data dir, socket, pg.log); null for an external server.</summary>
    public string? Directory => _root;

    /// <summary>Creates a fresh, uniquely named database (<c>{prefix}_{12 hex}</c>) and returns a connection string to it.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "t")
    {
        var safePrefix = new string(prefix.ToLowerInvariant().Where(c => char.IsAsciiLetterOrDigit(c) || c == '_').Take(40).ToArray());
        if (safePrefix.Length == 0 || !char.IsAsciiLetter(safePrefix[0]))
        {
            safePrefix = "t" + safePrefix;
        }

        var name = $"{safePrefix}_{Guid.NewGuid():N}"[..(safePrefix.Length + 13)];
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            try
            {
                await command.ExecuteNonQueryAsync();
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                throw new InvalidOperationException(
                    $"Cannot create a test database on {Describe()}: the role lacks CREATEDB ({e.MessageText}). " +
                    "With TEST_PG_CONNECTION, create the role WITH CREATEDB.", e);
            }
        }

        lock (_createdDatabases)
        {
            _createdDatabases.Add(name);
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary><c>pg_ctl stop -m immediate</c> (a crash, as an outage looks to the app). Safe to call twice.</summary>
    public async Task StopAsync()
    {
        EnsureCanStopAndStart(nameof(StopAsync));
        await _stateGate.WaitAsync();
        try
        {
            if (!_running)
            {
                return;
            }

            await PgCtlAsync("-D", DataDir, "-m", "immediate", "-w", "-t", "60", "stop");
            _running = false;
        }
        finally
        {
            _stateGate.Release();
        }
    }

    /// <summary>Starts the cluster again on the same port and data folder. Safe to call when running.</summary>
    public async Task StartAsync()
    {
        EnsureCanStopAndStart(nameof(StartAsync));
        await _stateGate.WaitAsync();
        try
        {
            if (_running)
            {
                return;
            }

            await StartServerAsync(_bin!, _root!, Port, _shared);
            _running = true;
        }
        finally
        {
            _stateGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_shared)
        {
            return; // the process-exit hook owns the shared cluster
        }

        await _stateGate.WaitAsync();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_running)
            {
                await PgCtlAsync("-D", DataDir, "-m", "immediate", "-w", "-t", "60", "stop");
                _running = false;
            }

            DeleteFolder(_root!);
        }
        finally
        {
            _stateGate.Release();
        }
    }

    public override string ToString() => Describe();

    private string DataDir => Path.Combine(_root!, "data");

    private string Describe() => IsExternal ? "the TEST_PG_CONNECTION server" : $"the temp cluster on 127.0.0.1:{Port} ({_root})";

    private void EnsureCanStopAndStart(string operation)
    {
        if (IsExternal)
        {
            throw new InvalidOperationException($"{operation}: the server named by TEST_PG_CONNECTION is not ours to stop. Use TempPostgres.CreateAsync() for a private cluster.");
        }

        if (_shared)
        {
            throw new InvalidOperationException($"{operation}: the shared cluster serves every test class in parallel. Use TempPostgres.CreateAsync() for a private cluster in outage tests.");
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
    }

    private Task PgCtlAsync(params string[] arguments) => RunPgAsync(_bin!, _root!, "pg_ctl", arguments);

    private static async Task<TempPostgres> StartClusterAsync(bool shared)
    {
        var external = Environment.GetEnvironmentVariable("TEST_PG_CONNECTION");
        if (shared && !string.IsNullOrWhiteSpace(external))
        {
            var normalized = OpenChat.Web.Storage.PostgresConnectionString.Normalize(external);
            var instance = new TempPostgres(normalized, shared: true, root: null, bin: null, port: new NpgsqlConnectionStringBuilder(normalized).Port);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => instance.DropCreatedDatabases();
            return instance;
        }

        var bin = FindBinaries();
        var root = System.IO.Directory.CreateTempSubdirectory("openchat-pg-").FullName;
        try
        {
            if (RunsAsRoot)
            {
                await RunCheckedAsync("chown", ["postgres:postgres", root], root);
            }

            await RunPgAsync(bin, root, "initdb",
                ["-D", Path.Combine(root, "data"), "-A", "trust", "-U", SuperUser, "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"]);

            // A free port can be taken between probing and binding: try a few.
            Exception? last = null;
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var port = FreePort();
                try
                {
                    await StartServerAsync(bin, root, port, shared);
                }
                catch (InvalidOperationException e)
                {
                    last = e;
                    continue;
                }

                var admin = new NpgsqlConnectionStringBuilder
                {
                    Host = "127.0.0.1",
                    Port = port,
                    Username = SuperUser,
                    Database = "postgres",
                    IncludeErrorDetail = true,
                }.ConnectionString;
                var instance = new TempPostgres(admin, shared, root, bin, port);
                if (shared)
                {
                    AppDomain.CurrentDomain.ProcessExit += (_, _) => instance.StopAndDeleteAtExit();
                }

                StartWatchdog(bin, root);
                return instance;
            }

            throw last!;
        }
        catch
        {
            DeleteFolder(root);
            throw;
        }
    }

    /// <remarks>
    /// synchronous_commit=off is only for the shared cluster, which is never stopped: with it, an immediate stop loses the last
    /// ~600 ms of commits (they sit in WAL buffers), which would make outage tests on a private cluster see committed rows vanish.
    /// fsync=off is safe everywhere: the OS does not crash, only the server.
    /// </remarks>
    private static async Task StartServerAsync(string bin, string root, int port, bool shared)
    {
        var options = string.Join(' ',
            $"-p {port.ToString(CultureInfo.InvariantCulture)}",
            "-c listen_addresses=127.0.0.1",
            $"-k {root}",
            "-c fsync=off -c full_page_writes=off",
            shared ? "-c synchronous_commit=off" : "-c synchronous_commit=on",
            "-c max_connections=200");
        await RunPgAsync(bin, root, "pg_ctl",
            ["-D", Path.Combine(root, "data"), "-l", Path.Combine(root, "pg.log"), "-w", "-t", "60", "-o", options, "start"]);
    }

    private static async Task RunPgAsync(string bin, string root, string tool, string[] arguments)
    {
        var exe = Path.Combine(bin, tool);
        if (RunsAsRoot)
        {
            await RunCheckedAsync("runuser", ["-u", "postgres", "--", exe, .. arguments], root);
        }
        else
        {
            await RunCheckedAsync(exe, arguments, root);
        }
    }

    private static async Task RunCheckedAsync(string fileName, string[] arguments, string root)
    {
        var result = await ProcessRunner.RunAsync(fileName, arguments, CommandTimeout);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"TempPostgres: '{ProcessRunner.Describe(fileName, arguments)}' exited with {result.ExitCode}.\n" +
                $"stderr:\n{result.StandardError}\nstdout:\n{result.StandardOutput}\n" +
                $"pg.log (last lines):\n{LogTail(root)}");
        }
    }

    private static string LogTail(string root)
    {
        var log = Path.Combine(root, "pg.log");
        try
        {
            return File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(30)) : "(no pg.log)";
        }
        catch (IOException e)
        {
            return $"(pg.log unreadable: {e.Message})";
        }
    }

    private static bool RunsAsRoot => Environment.IsPrivilegedProcess;

    private static string FindBinaries()
    {
        const string baseDir = "/usr/lib/postgresql";
        var candidates = System.IO.Directory.Exists(baseDir)
            ? System.IO.Directory.GetDirectories(baseDir)
                .Select(d => (Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1, Bin: Path.Combine(d, "bin")))
                .Where(c => c.Version >= 0 && File.Exists(Path.Combine(c.Bin, "initdb")))
                .OrderByDescending(c => c.Version)
                .ToList()
            : [];
        return candidates.Count > 0
            ? candidates[0].Bin
            : throw new InvalidOperationException($"TempPostgres: no PostgreSQL binaries under {baseDir}/<version>/bin (apt-get install postgresql), and TEST_PG_CONNECTION is not set.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// If the test process dies without running ProcessExit (killed, crashed), a detached shell stops the cluster and deletes its folder.
    /// </summary>
    private static void StartWatchdog(string bin, string root)
    {
        var pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var stop = RunsAsRoot
            ? $"runuser -u postgres -- '{bin}/pg_ctl' -D '{root}/data' -m immediate -w stop"
            : $"'{bin}/pg_ctl' -D '{root}/data' -m immediate -w stop";
        var script = $"while kill -0 {pid} 2>/dev/null; do sleep 2; done; if [ -d '{root}' ]; then {stop} >/dev/null 2>&1; rm -rf '{root}'; fi";
        try
        {
            var info = new System.Diagnostics.ProcessStartInfo("setsid") { UseShellExecute = false };
            foreach (var a in new[] { "sh", "-c", script })
            {
                info.ArgumentList.Add(a);
            }

            info.RedirectStandardInput = info.RedirectStandardOutput = info.RedirectStandardError = true;
            using var process = System.Diagnostics.Process.Start(info);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No setsid: rely on ProcessExit / DisposeAsync.
        }
    }

    private void StopAndDeleteAtExit()
    {
        try
        {
            var stop = Path.Combine(_bin!, "pg_ctl");
            string[] args = ["-D", DataDir, "-m", "immediate", "-w", "-t", "20", "stop"];
            var info = RunsAsRoot
                ? new System.Diagnostics.ProcessStartInfo("runuser") { ArgumentList = { "-u", "postgres", "--", stop } }
                : new System.Diagnostics.ProcessStartInfo(stop);
            foreach (var a in args)
            {
                info.ArgumentList.Add(a);
            }

            info.UseShellExecute = false;
            info.RedirectStandardOutput = info.RedirectStandardError = true;
            using var process = System.Diagnostics.Process.Start(info)!;
            process.WaitForExit(TimeSpan.FromSeconds(30));
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            // Best effort at exit; the watchdog shell retries.
        }

        DeleteFolder(_root!);
    }

    private void DropCreatedDatabases()
    {
        string[] names;
        lock (_createdDatabases)
        {
            names = [.. _createdDatabases];
        }

        if (names.Length == 0)
        {
            return;
        }

        try
        {
            using var connection = new NpgsqlConnection(AdminConnectionString);
            connection.Open();
            foreach (var name in names)
            {
                using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                command.ExecuteNonQuery();
            }
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // Best effort at exit.
        }
    }

    private static void DeleteFolder(string path)
    {
        try
        {
            if (System.IO.Directory.Exists(path))
            {
                System.IO.Directory.Delete(path, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort; the watchdog shell retries with rm -rf.
        }
    }
}

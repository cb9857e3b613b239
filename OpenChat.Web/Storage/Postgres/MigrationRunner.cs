using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using Npgsql;

namespace OpenChat.Web.Storage.Postgres;

/// <summary>
/// Applies <c>sql/NNN_name.sql</c> in order, each once, each in its own transaction, recorded in
/// <c>schema_migrations</c>. A session advisory lock makes instances that start together take turns.
/// </summary>
public sealed partial class MigrationRunner(NpgsqlDataSource dataSource, ILogger<MigrationRunner> logger)
{
    // Any fixed number works; it only has to be the same for every instance of this app.
    private const long AdvisoryLockKey = 0x4F70_656E_4368_6174;

    public static string ScriptsFolder { get; set; } = Path.Combine(AppContext.BaseDirectory, "sql");

    public sealed record Script(int Version, string Name, string Sql);

    public sealed record Status(int Applied, int Known)
    {
        public int Pending => Known - Applied;
    }

    public static IReadOnlyList<Script> LoadScripts()
    {
        if (!Directory.Exists(ScriptsFolder))
        {
            throw new DirectoryNotFoundException($"Migration scripts folder {ScriptsFolder} is missing.");
        }

        var scripts = new List<Script>();
        foreach (var path in Directory.EnumerateFiles(ScriptsFolder, "*.sql"))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            var match = ScriptName().Match(name);
            if (!match.Success)
            {
                throw new InvalidOperationException($"Migration {Path.GetFileName(path)} must be named NNN_description.sql.");
            }

            scripts.Add(new Script(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), name, File.ReadAllText(path)));
        }

        scripts.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < scripts.Count; i++)
        {
            if (scripts[i].Version == scripts[i - 1].Version)
            {
                throw new InvalidOperationException($"Two migrations share version {scripts[i].Version}.");
            }
        }

        return scripts;
    }

    /// <returns>How many scripts this call applied.</returns>
    public async Task<int> ApplyAsync(CancellationToken cancellationToken)
    {
        var scripts = LoadScripts();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // Waiting for another instance's migrations, or building an index on a big table, may take longer than a
        // request's statement_timeout (the session setting is reset when the connection goes back to the pool).
        await connection.ExecuteAsync(new CommandDefinition("set statement_timeout = 0", cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition("select pg_advisory_lock(@key)", new { key = AdvisoryLockKey }, cancellationToken: cancellationToken));
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                create table if not exists schema_migrations (
                    version    integer primary key,
                    name       text not null,
                    applied_at timestamptz not null default now()
                )
                """, cancellationToken: cancellationToken));

            var applied = (await connection.QueryAsync<int>(new CommandDefinition(
                "select version from schema_migrations", cancellationToken: cancellationToken))).ToHashSet();

            var count = 0;
            foreach (var script in scripts.Where(s => !applied.Contains(s.Version)))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await connection.ExecuteAsync(new CommandDefinition(script.Sql, transaction: transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(
                    "insert into schema_migrations (version, name) values (@Version, @Name)",
                    new { script.Version, script.Name }, transaction, cancellationToken: cancellationToken));
                await transaction.CommitAsync(cancellationToken);
                logger.LogInformation("Applied migration {Migration}", script.Name);
                count++;
            }

            return count;
        }
        finally
        {
            await connection.ExecuteAsync(new CommandDefinition("select pg_advisory_unlock(@key)", new { key = AdvisoryLockKey }, cancellationToken: CancellationToken.None));
        }
    }

    public async Task<Status> GetStatusAsync(CancellationToken cancellationToken)
    {
        var known = LoadScripts().Select(s => s.Version).ToHashSet();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select to_regclass('schema_migrations') is not null", cancellationToken: cancellationToken));
        if (!exists)
        {
            return new Status(0, known.Count);
        }

        var applied = await connection.QueryAsync<int>(new CommandDefinition("select version from schema_migrations", cancellationToken: cancellationToken));
        return new Status(applied.Count(known.Contains), known.Count);
    }

    [GeneratedRegex(@"^(\d{3,})_[a-z0-9_]+$")]
    private static partial Regex ScriptName();
}

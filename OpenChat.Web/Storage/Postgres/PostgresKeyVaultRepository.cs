using Dapper;
using Npgsql;
using OpenChat.Web.OpenRouter;

namespace OpenChat.Web.Storage.Postgres;

public sealed class PostgresKeyVaultRepository(NpgsqlDataSource dataSource) : IKeyVaultRepository
{
    public async Task<StoredKey?> FindAsync(string ownerId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<KeyRow>(new CommandDefinition(
            "select owner_id, protected_key, label, created_at, updated_at from openrouter_keys where owner_id = @ownerId",
            new { ownerId }, cancellationToken: cancellationToken));
        return row is null
            ? null
            : new StoredKey(row.owner_id, row.protected_key, row.label,
                new DateTimeOffset(DateTime.SpecifyKind(row.created_at, DateTimeKind.Utc)),
                new DateTimeOffset(DateTime.SpecifyKind(row.updated_at, DateTimeKind.Utc)));
    }

    public async Task SaveAsync(StoredKey key, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            insert into openrouter_keys (owner_id, protected_key, label, created_at, updated_at)
            values (@OwnerId, @ProtectedKey, @Label, @CreatedAt, @UpdatedAt)
            on conflict (owner_id) do update set protected_key = excluded.protected_key, label = excluded.label,
                created_at = excluded.created_at, updated_at = excluded.updated_at
            """,
            new { key.OwnerId, key.ProtectedKey, key.Label, CreatedAt = key.CreatedAt.UtcDateTime, UpdatedAt = key.UpdatedAt.UtcDateTime },
            cancellationToken: cancellationToken));
    }

    /// <summary>Writes a key saved to the spool during an outage, unless Postgres has a newer one.</summary>
    public async Task UpsertAsync(StoredKey key, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            insert into openrouter_keys as k (owner_id, protected_key, label, created_at, updated_at)
            values (@OwnerId, @ProtectedKey, @Label, @CreatedAt, @UpdatedAt)
            on conflict (owner_id) do update set protected_key = excluded.protected_key, label = excluded.label, updated_at = excluded.updated_at
            where k.updated_at <= excluded.updated_at
            """,
            new { key.OwnerId, key.ProtectedKey, key.Label, CreatedAt = key.CreatedAt.UtcDateTime, UpdatedAt = key.UpdatedAt.UtcDateTime },
            cancellationToken: cancellationToken));
    }

    public async Task<bool> RemoveAsync(string ownerId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "delete from openrouter_keys where owner_id = @ownerId", new { ownerId }, cancellationToken: cancellationToken)) == 1;
    }

    private sealed record KeyRow(string owner_id, string protected_key, string? label, DateTime created_at, DateTime updated_at);
}

using Dapper;
using Npgsql;
using OpenChat.Web.OpenRouter;

namespace OpenChat.Web.Storage.Postgres;

public sealed class PostgresReplyLedger(NpgsqlDataSource dataSource) : IReplyLedger
{
    public async Task RecordAsync(string ownerId, KeySource source, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "insert into reply_ledger (id, owner_id, key_source, created_at) values (@id, @ownerId, @source, @at)",
            new { id = Guid.CreateVersion7(at), ownerId, source = source.ToWireName(), at = at.UtcDateTime },
            cancellationToken: cancellationToken));
    }

    public async Task<int> CountSinceAsync(string ownerId, KeySource source, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "select count(*) from reply_ledger where owner_id = @ownerId and key_source = @source and created_at >= @since",
            new { ownerId, source = source.ToWireName(), since = since.UtcDateTime },
            cancellationToken: cancellationToken));
    }
}

using Dapper;
using Npgsql;
using OpenChat.Web.Accounts;

namespace OpenChat.Web.Storage.Postgres;

public sealed class PostgresSessionStampRepository(NpgsqlDataSource dataSource) : ISessionStampRepository
{
    public async Task<SessionStamp?> FindAsync(string ownerId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<(string Stamp, DateTime UpdatedAt)?>(new CommandDefinition(
            "select stamp, updated_at from session_stamps where owner_id = @ownerId", new { ownerId }, cancellationToken: cancellationToken));
        return row is { } found ? new SessionStamp(ownerId, found.Stamp, new DateTimeOffset(DateTime.SpecifyKind(found.UpdatedAt, DateTimeKind.Utc))) : null;
    }

    public async Task SaveAsync(SessionStamp stamp, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Upsert, Parameters(stamp), cancellationToken: cancellationToken));
    }

    /// <summary>Also what the spool replay runs: the newer stamp wins.</summary>
    public const string Upsert =
        """
        insert into session_stamps as s (owner_id, stamp, updated_at) values (@OwnerId, @Stamp, @UpdatedAt)
        on conflict (owner_id) do update set stamp = excluded.stamp, updated_at = excluded.updated_at
        where s.updated_at <= excluded.updated_at
        """;

    public static object Parameters(SessionStamp stamp) => new { stamp.OwnerId, stamp.Stamp, UpdatedAt = stamp.UpdatedAt.UtcDateTime };
}

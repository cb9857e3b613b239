using Dapper;
using Npgsql;
using OpenChat.Web.OpenRouter;

namespace OpenChat.Web.Storage.Postgres;

public sealed class PostgresReplyLedger(NpgsqlDataSource dataSource) : IReplyLedger
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<DateOnly, byte[]> _salts = new();

    public async Task RecordAsync(string ownerId, KeySource source, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "insert into reply_ledger (id, owner_id, key_source, created_at) values (@id, @ownerId, @source, @at)",
            new { id = Guid.CreateVersion7(at), ownerId, source = source.ToWireName(), at = at.UtcDateTime },
            cancellationToken: cancellationToken));
    }

    /// <summary>Writes an entry replayed from the spool; its id comes from its content, so replaying it twice adds it once.</summary>
    public async Task UpsertAsync(LedgerEntry entry, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "insert into reply_ledger (id, owner_id, key_source, created_at) values (@Id, @OwnerId, @source, @at) on conflict (id) do nothing",
            new { entry.Id, entry.OwnerId, source = entry.Source.ToWireName(), at = entry.At.UtcDateTime },
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

    public async Task RecordOperatorReplyAsync(OperatorReply reply, CancellationToken cancellationToken)
    {
        var hash = AddressHash.Of(reply.Address, await SaltAsync(AddressHash.Day(reply.At), cancellationToken));
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            insert into reply_ledger (id, owner_id, key_source, address_hash, created_at) values (@Id, @OwnerId, 'operator', @hash, @at)
            on conflict (id) do update set address_hash = excluded.address_hash
            """,
            new { reply.Id, reply.OwnerId, hash, at = reply.At.UtcDateTime },
            cancellationToken: cancellationToken));
    }

    public async Task<int> CountOperatorRepliesFromAsync(string address, bool guestsOnly, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var hashes = new List<string>();
        foreach (var day in AddressHash.DaysSince(since))
        {
            hashes.Add(AddressHash.Of(address, await SaltAsync(day, cancellationToken)));
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            """
            select count(*) from reply_ledger
            where key_source = 'operator' and address_hash = any(@hashes) and created_at >= @since
              and (not @guestsOnly or owner_id like 'guest\_%')
            """,
            new { hashes = hashes.ToArray(), guestsOnly, since = since.UtcDateTime },
            cancellationToken: cancellationToken));
    }

    public async Task RecordOperatorCostAsync(OperatorReply reply, decimal costUsd, CancellationToken cancellationToken)
    {
        // An upsert: the reply may end before its start was recorded (both are written by different tasks).
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            insert into reply_ledger (id, owner_id, key_source, created_at, cost_usd) values (@Id, @OwnerId, 'operator', @at, @costUsd)
            on conflict (id) do update set cost_usd = excluded.cost_usd
            """,
            new { reply.Id, reply.OwnerId, at = reply.At.UtcDateTime, costUsd },
            cancellationToken: cancellationToken));
    }

    public async Task<decimal> OperatorCostSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<decimal>(new CommandDefinition(
            "select coalesce(sum(cost_usd), 0) from reply_ledger where key_source = 'operator' and created_at >= @since",
            new { since = since.UtcDateTime }, cancellationToken: cancellationToken));
    }

    /// <summary>The day's salt: the first instance to need it makes it, every other one reads the same.</summary>
    private async Task<byte[]> SaltAsync(DateOnly day, CancellationToken cancellationToken)
    {
        if (_salts.TryGetValue(day, out var cached))
        {
            return cached;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var salt = await connection.ExecuteScalarAsync<byte[]>(new CommandDefinition(
            """
            delete from ledger_salts where day < @day::date - 2;
            insert into ledger_salts (day, salt) values (@day::date, @salt) on conflict (day) do nothing;
            select salt from ledger_salts where day = @day::date;
            """,
            new { day = day.ToDateTime(TimeOnly.MinValue), salt = AddressHash.NewSalt() }, cancellationToken: cancellationToken));
        if (_salts.Count > 4)
        {
            _salts.Clear();
        }

        return _salts.GetOrAdd(day, salt!);
    }
}

using Dapper;
using Npgsql;

namespace OpenChat.Web.Instances;

/// <summary>The <c>instances</c> table: heartbeats, and replies left streaming by instances that stopped beating.</summary>
/// <remarks>Times come from the database's clock, so instances with skewed clocks still agree.</remarks>
public sealed class InstanceRepository(NpgsqlDataSource dataSource, InstanceIdentity instance)
{
    public async Task BeatAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            insert into instances (id, started_at, heartbeat_at) values (@id, now(), now())
            on conflict (id) do update set heartbeat_at = now();
            delete from instances where heartbeat_at < now() - interval '1 day';
            """,
            new { id = instance.Id },
            cancellationToken: cancellationToken));
    }

    /// <summary>This instance is leaving (its replies are already stored): others need not wait for its heartbeat to stop.</summary>
    public async Task LeaveAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("delete from instances where id = @id", new { id = instance.Id }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Marks interrupted (text kept) every streaming reply whose instance is gone or has not beaten within <paramref name="timeout"/>.
    /// Replies with no instance recorded predate instance tracking and count as stale.
    /// </summary>
    public async Task<IReadOnlyList<StaleReply>> InterruptStaleRepliesAsync(TimeSpan timeout, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string owner_id, Guid chat_id, Guid id)>(new CommandDefinition(
            """
            update messages m set status = 'interrupted', updated_at = @at, instance_id = null
            from chats c
            where m.status = 'streaming' and c.id = m.chat_id
              and not exists (
                  select 1 from instances i
                  where i.id = m.instance_id and i.heartbeat_at > now() - make_interval(secs => @seconds))
            returning c.owner_id, m.chat_id, m.id
            """,
            new { at = at.UtcDateTime, seconds = timeout.TotalSeconds },
            cancellationToken: cancellationToken));
        return rows.Select(r => new StaleReply(r.owner_id, r.chat_id, r.id)).ToList();
    }

    /// <summary>Which of these replies are still streaming in storage.</summary>
    public async Task<IReadOnlySet<Guid>> StillStreamingAsync(IReadOnlyList<Guid> replyIds, CancellationToken cancellationToken)
    {
        if (replyIds.Count == 0)
        {
            return new HashSet<Guid>();
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var ids = await connection.QueryAsync<Guid>(new CommandDefinition(
            "select id from messages where id = any(@replyIds) and status = 'streaming'",
            new { replyIds = replyIds.ToArray() },
            cancellationToken: cancellationToken));
        return ids.ToHashSet();
    }
}

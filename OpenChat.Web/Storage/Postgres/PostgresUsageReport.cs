using Dapper;
using Npgsql;
using OpenChat.Web.Chats.Usage;

namespace OpenChat.Web.Storage.Postgres;

/// <summary>Usage sums in SQL, scoped to the owner through the chat each message belongs to.</summary>
public sealed class PostgresUsageReport(NpgsqlDataSource dataSource) : IUsageReport
{
    public async Task<UsageTotals> ChatTotalAsync(string ownerId, Guid chatId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<TotalRow>(new CommandDefinition(
            """
            select coalesce(sum(m.prompt_tokens), 0)::bigint as prompt_tokens,
                   coalesce(sum(m.completion_tokens), 0)::bigint as completion_tokens,
                   coalesce(sum(m.cost_usd), 0) as cost_usd,
                   count(*)::int as replies
            from messages m join chats c on c.id = m.chat_id
            where m.chat_id = @chatId and c.owner_id = @ownerId and m.role = 'assistant'
              and (m.prompt_tokens is not null or m.completion_tokens is not null or m.cost_usd is not null)
            """,
            new { chatId, ownerId },
            cancellationToken: cancellationToken));
        return new UsageTotals(row.prompt_tokens, row.completion_tokens, row.cost_usd, row.replies);
    }

    public async Task<IReadOnlyList<DailyUsage>> DailyAsync(string ownerId, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<DayRow>(new CommandDefinition(
            """
            select (m.created_at at time zone 'UTC')::date as day,
                   coalesce(sum(m.prompt_tokens), 0)::bigint as prompt_tokens,
                   coalesce(sum(m.completion_tokens), 0)::bigint as completion_tokens,
                   coalesce(sum(m.cost_usd), 0) as cost_usd,
                   count(*)::int as replies
            from messages m join chats c on c.id = m.chat_id
            where c.owner_id = @ownerId and m.role = 'assistant'
              and m.created_at >= @start and m.created_at < @end
              and (m.prompt_tokens is not null or m.completion_tokens is not null or m.cost_usd is not null)
            group by 1
            order by 1
            """,
            new
            {
                ownerId,
                start = firstDay.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
                end = lastDay.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
            },
            cancellationToken: cancellationToken));
        return rows.Select(r => new DailyUsage(r.day, new UsageTotals(r.prompt_tokens, r.completion_tokens, r.cost_usd, r.replies))).ToList();
    }

    private sealed record TotalRow(long prompt_tokens, long completion_tokens, decimal cost_usd, int replies);

    private sealed record DayRow(DateOnly day, long prompt_tokens, long completion_tokens, decimal cost_usd, int replies);
}

using OpenChat.Web.Chats.Usage;
using OpenChat.Web.Storage.Files;
using OpenChat.Web.Storage.Postgres;

namespace OpenChat.Web.Storage.Fallback;

/// <summary>Usage from Postgres; while it is down, only what the spool holds (the outage's replies) is counted.</summary>
public sealed class FallbackUsageReport(PostgresUsageReport postgres, Spool spool, PostgresBreaker breaker) : IUsageReport
{
    private readonly Failover<IUsageReport> _failover = new(postgres, new FileUsageReport(spool.Store), breaker);

    public Task<UsageTotals> ChatTotalAsync(string ownerId, Guid chatId, CancellationToken cancellationToken) =>
        _failover.RunAsync(r => r.ChatTotalAsync(ownerId, chatId, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<DailyUsage>> DailyAsync(string ownerId, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken) =>
        _failover.RunAsync(r => r.DailyAsync(ownerId, firstDay, lastDay, cancellationToken), cancellationToken);
}

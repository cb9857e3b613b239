using OpenChat.Web.OpenRouter;
using OpenChat.Web.Storage.Postgres;

namespace OpenChat.Web.Storage.Fallback;

/// <summary>
/// The reply ledger: entries go to the spool while Postgres is down (and are replayed). Daily limits then count
/// only the outage's entries, a deliberate leniency: nobody is refused because the database is away.
/// </summary>
public sealed class FallbackReplyLedger(PostgresReplyLedger postgres, Spool spool, PostgresBreaker breaker) : IReplyLedger
{
    private readonly Failover<IReplyLedger> _failover = new(postgres, spool.Ledger, breaker);

    public Task RecordAsync(string ownerId, KeySource source, DateTimeOffset at, CancellationToken cancellationToken) =>
        _failover.RunAsync(l => l.RecordAsync(ownerId, source, at, cancellationToken), cancellationToken);

    public Task<int> CountSinceAsync(string ownerId, KeySource source, DateTimeOffset since, CancellationToken cancellationToken) =>
        _failover.RunAsync(l => l.CountSinceAsync(ownerId, source, since, cancellationToken), cancellationToken);

    public Task RecordOperatorReplyAsync(OperatorReply reply, CancellationToken cancellationToken) =>
        _failover.RunAsync(l => l.RecordOperatorReplyAsync(reply, cancellationToken), cancellationToken);

    public Task<int> CountOperatorRepliesFromAsync(string address, bool guestsOnly, DateTimeOffset since, CancellationToken cancellationToken) =>
        _failover.RunAsync(l => l.CountOperatorRepliesFromAsync(address, guestsOnly, since, cancellationToken), cancellationToken);

    public Task RecordOperatorCostAsync(OperatorReply reply, decimal costUsd, CancellationToken cancellationToken) =>
        _failover.RunAsync(l => l.RecordOperatorCostAsync(reply, costUsd, cancellationToken), cancellationToken);

    /// <summary>During an outage, the budget counts the outage's spend only (the same leniency as the daily limits).</summary>
    public Task<decimal> OperatorCostSinceAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        _failover.RunAsync(l => l.OperatorCostSinceAsync(since, cancellationToken), cancellationToken);
}

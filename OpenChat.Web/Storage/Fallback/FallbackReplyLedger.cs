using OpenChat.Web.OpenRouter;
using OpenChat.Web.Storage.Postgres;

namespace OpenChat.Web.Storage.Fallback;

/// <summary>
/// The reply ledger: entries go to the spool while Postgres is down (and are replayed). Daily limits then count
/// only the outage's entries, a deliberate leniency: nobody is refused because the database is away.
/// </summary>
public sealed class FallbackReplyLedger(PostgresReplyLedger postgres, Spool spool, PostgresBreaker breaker) : IReplyLedger
{
    public Task RecordAsync(string ownerId, KeySource source, DateTimeOffset at, CancellationToken cancellationToken) => breaker.RunAsync(
        async () =>
        {
            await postgres.RecordAsync(ownerId, source, at, cancellationToken);
            return true;
        },
        async () =>
        {
            await spool.Ledger.RecordAsync(ownerId, source, at, cancellationToken);
            return true;
        },
        cancellationToken);

    public Task<int> CountSinceAsync(string ownerId, KeySource source, DateTimeOffset since, CancellationToken cancellationToken) => breaker.RunAsync(
        () => postgres.CountSinceAsync(ownerId, source, since, cancellationToken),
        () => spool.Ledger.CountSinceAsync(ownerId, source, since, cancellationToken),
        cancellationToken);

    public Task RecordOperatorReplyAsync(OperatorReply reply, CancellationToken cancellationToken) => breaker.RunAsync(
        async () =>
        {
            await postgres.RecordOperatorReplyAsync(reply, cancellationToken);
            return true;
        },
        async () =>
        {
            await spool.Ledger.RecordOperatorReplyAsync(reply, cancellationToken);
            return true;
        },
        cancellationToken);

    public Task<int> CountOperatorRepliesFromAsync(string address, bool guestsOnly, DateTimeOffset since, CancellationToken cancellationToken) => breaker.RunAsync(
        () => postgres.CountOperatorRepliesFromAsync(address, guestsOnly, since, cancellationToken),
        () => spool.Ledger.CountOperatorRepliesFromAsync(address, guestsOnly, since, cancellationToken),
        cancellationToken);

    public Task RecordOperatorCostAsync(OperatorReply reply, decimal costUsd, CancellationToken cancellationToken) => breaker.RunAsync(
        async () =>
        {
            await postgres.RecordOperatorCostAsync(reply, costUsd, cancellationToken);
            return true;
        },
        async () =>
        {
            await spool.Ledger.RecordOperatorCostAsync(reply, costUsd, cancellationToken);
            return true;
        },
        cancellationToken);

    /// <summary>During an outage, the budget counts the outage's spend only (the same leniency as the daily limits).</summary>
    public Task<decimal> OperatorCostSinceAsync(DateTimeOffset since, CancellationToken cancellationToken) => breaker.RunAsync(
        () => postgres.OperatorCostSinceAsync(since, cancellationToken),
        () => spool.Ledger.OperatorCostSinceAsync(since, cancellationToken),
        cancellationToken);
}

using OpenChat.Web.OpenRouter;

namespace OpenChat.Web.OpenRouter;

/// <summary>
/// One entry per reply started; daily limits on the operator's key are counted from it: per owner, per client
/// address (kept only as a hash with a daily salt shared by every instance), and the operator key's spend.
/// </summary>
public interface IReplyLedger
{
    Task RecordAsync(string ownerId, KeySource source, DateTimeOffset at, CancellationToken cancellationToken);

    Task<int> CountSinceAsync(string ownerId, KeySource source, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>A reply on the operator's key: counted for its owner (as <see cref="RecordAsync"/>) and for the client address.</summary>
    Task RecordOperatorReplyAsync(OperatorReply reply, CancellationToken cancellationToken);

    /// <summary>Operator-key replies from one client address since <paramref name="since"/> (guests' only, or everyone's).</summary>
    Task<int> CountOperatorRepliesFromAsync(string address, bool guestsOnly, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>What an operator-key reply cost (OpenRouter's <c>usage.cost</c>), once it ended.</summary>
    Task RecordOperatorCostAsync(OperatorReply reply, decimal costUsd, CancellationToken cancellationToken);

    /// <summary>What operator-key replies started since <paramref name="since"/> have cost so far, in USD.</summary>
    Task<decimal> OperatorCostSinceAsync(DateTimeOffset since, CancellationToken cancellationToken);
}

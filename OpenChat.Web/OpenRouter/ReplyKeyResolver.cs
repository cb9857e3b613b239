using Microsoft.Extensions.Options;
using OpenChat.Web.Accounts;

namespace OpenChat.Web.OpenRouter;

/// <summary>
/// Which OpenRouter key pays for an owner's reply: their own saved key; else the operator key
/// (<c>OPENROUTER_API_KEY</c>) within the daily limits, counted from the reply ledger in storage.
/// </summary>
public sealed class ReplyKeyResolver(
    KeyVault vault,
    IReplyLedger ledger,
    IOptions<OpenRouterOptions> openRouter,
    IOptions<DailyLimitOptions> limits,
    TimeProvider clock)
{
    public async Task<KeyDecision> ResolveAsync(string ownerId, CancellationToken cancellationToken)
    {
        var own = await vault.FindKeyAsync(ownerId, cancellationToken);
        if (own is not null)
        {
            return new KeyDecision(own, KeySource.User, null);
        }

        var operatorKey = openRouter.Value.ApiKey;
        if (string.IsNullOrWhiteSpace(operatorKey))
        {
            return new KeyDecision(null, KeySource.Operator, Chats.ChatError.NoKey);
        }

        var used = await ledger.CountSinceAsync(ownerId, KeySource.Operator, clock.GetUtcNow().AddDays(-1), cancellationToken);
        return used >= DailyLimit(ownerId)
            ? new KeyDecision(null, KeySource.Operator, Chats.ChatError.DailyLimit)
            : new KeyDecision(operatorKey, KeySource.Operator, null);
    }

    public Task RecordReplyAsync(string ownerId, KeySource source, CancellationToken cancellationToken) =>
        ledger.RecordAsync(ownerId, source, clock.GetUtcNow(), cancellationToken);

    /// <summary>Whether a send would find a key right now (the composer invites to add one otherwise).</summary>
    public async Task<bool> HasUsableKeyAsync(string? ownerId, CancellationToken cancellationToken)
    {
        if (ownerId is null)
        {
            return !string.IsNullOrWhiteSpace(openRouter.Value.ApiKey);
        }

        return (await ResolveAsync(ownerId, cancellationToken)).Refusal is null;
    }

    public int DailyLimit(string ownerId) =>
        OwnerIdentity.IsGuestId(ownerId) ? limits.Value.GuestDailyReplies : limits.Value.MemberDailyReplies;
}

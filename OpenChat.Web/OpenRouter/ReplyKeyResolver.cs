using Microsoft.Extensions.Options;
using OpenChat.Web.Accounts;

namespace OpenChat.Web.OpenRouter;

/// <summary>
/// Which OpenRouter key pays for an owner's reply: their own saved key; else the operator key
/// (<c>OPENROUTER_API_KEY</c>) within its limits, all counted per UTC day from the reply ledger in storage: replies per
/// owner, per client address (guests together, and everyone together), the models it may use, and its daily budget.
/// </summary>
public sealed class ReplyKeyResolver(
    KeyVault vault,
    IReplyLedger ledger,
    ModelCatalogue catalogue,
    IHttpContextAccessor http,
    IOptions<OpenRouterOptions> openRouter,
    IOptions<DailyLimitOptions> limits,
    TimeProvider clock)
{
    /// <param name="modelId">The model the reply would use; null when only asking whether a key is there at all.</param>
    public async Task<KeyDecision> ResolveAsync(string ownerId, string? modelId, CancellationToken cancellationToken)
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

        var settings = limits.Value;
        var today = StartOfToday();
        if (await ledger.CountSinceAsync(ownerId, KeySource.Operator, today, cancellationToken) >= DailyLimit(ownerId))
        {
            return Refused(Chats.ChatError.DailyLimit);
        }

        var address = ClientAddress();
        if (address is not null)
        {
            var isGuest = OwnerIdentity.IsGuestId(ownerId);
            if ((isGuest && await ledger.CountOperatorRepliesFromAsync(address, guestsOnly: true, today, cancellationToken) >= settings.GuestDailyRepliesPerAddress)
                || await ledger.CountOperatorRepliesFromAsync(address, guestsOnly: false, today, cancellationToken) >= settings.DailyRepliesPerAddress)
            {
                return Refused(Chats.ChatError.AddressDailyLimit);
            }
        }

        if (settings.OperatorDailyBudgetUsd > 0 && await ledger.OperatorCostSinceAsync(today, cancellationToken) >= settings.OperatorDailyBudgetUsd)
        {
            return Refused(Chats.ChatError.OperatorBudget);
        }

        if (modelId is not null && !await MayUseAsync(modelId, cancellationToken))
        {
            return Refused(Chats.ChatError.OperatorModel);
        }

        return new KeyDecision(operatorKey, KeySource.Operator, null)
        {
            Ledger = new OperatorReply(Guid.CreateVersion7(), ownerId, address ?? "unknown", clock.GetUtcNow()),
        };
    }

    /// <summary>Counts a started reply: for its owner, and for its address and spend when the operator key pays.</summary>
    public Task RecordReplyAsync(string ownerId, KeyDecision key, CancellationToken cancellationToken) =>
        key.Ledger is { } entry
            ? ledger.RecordOperatorReplyAsync(entry, cancellationToken)
            : ledger.RecordAsync(ownerId, key.Source, clock.GetUtcNow(), cancellationToken);

    /// <summary>What an operator-key reply cost, once it ended (the daily budget adds these up).</summary>
    public Task RecordCostAsync(OperatorReply entry, decimal costUsd, CancellationToken cancellationToken) =>
        ledger.RecordOperatorCostAsync(entry, costUsd, cancellationToken);

    /// <summary>Whether a send would find a key right now (the composer invites to add one otherwise).</summary>
    public async Task<bool> HasUsableKeyAsync(string? ownerId, CancellationToken cancellationToken)
    {
        if (ownerId is null)
        {
            return !string.IsNullOrWhiteSpace(openRouter.Value.ApiKey);
        }

        return (await ResolveAsync(ownerId, null, cancellationToken)).Refusal is null;
    }

    /// <summary>
    /// The owner's free replies today when the operator key would pay (no key of their own): how many are left of how
    /// many. Null when they have their own key or there is no operator key. A visitor who owns nothing yet counts as a guest.
    /// </summary>
    public async Task<FreeReplies?> FreeRepliesAsync(string? ownerId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(openRouter.Value.ApiKey) || (ownerId is not null && await vault.SavedAtAsync(ownerId, cancellationToken) is not null))
        {
            return null;
        }

        var limit = ownerId is null ? limits.Value.GuestDailyReplies : DailyLimit(ownerId);
        var used = ownerId is null ? 0 : await ledger.CountSinceAsync(ownerId, KeySource.Operator, StartOfToday(), cancellationToken);
        return new FreeReplies(Math.Max(0, limit - used), limit, ownerId is null || OwnerIdentity.IsGuestId(ownerId), limits.Value.MemberDailyReplies);
    }

    public int DailyLimit(string ownerId) =>
        OwnerIdentity.IsGuestId(ownerId) ? limits.Value.GuestDailyReplies : limits.Value.MemberDailyReplies;

    /// <summary>The listed models, or else free and cheap ones by the catalogue's prices (unknown prices: only the default model).</summary>
    private async Task<bool> MayUseAsync(string modelId, CancellationToken cancellationToken)
    {
        var listed = limits.Value.OperatorModels.Where(m => !string.IsNullOrWhiteSpace(m)).Select(m => m.Trim()).ToList();
        if (listed.Count > 0)
        {
            return listed.Contains(modelId, StringComparer.Ordinal);
        }

        var model = catalogue.Current().Snapshot?.Find(modelId)
            ?? (await catalogue.GetAsync(cancellationToken, TimeSpan.FromSeconds(2))).Snapshot?.Find(modelId);
        if (model?.PromptPrice is not { } input || model.CompletionPrice is not { } output)
        {
            return string.Equals(modelId, openRouter.Value.DefaultModel, StringComparison.Ordinal);
        }

        return input * 1_000_000 <= DailyLimitOptions.CheapInputUsdPerMillion && output * 1_000_000 <= DailyLimitOptions.CheapOutputUsdPerMillion;
    }

    private static KeyDecision Refused(Chats.ChatError refusal) => new(null, KeySource.Operator, refusal);

    private DateTimeOffset StartOfToday() => new(clock.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);

    private string? ClientAddress() => http.HttpContext?.Connection.RemoteIpAddress?.ToString();
}

/// <summary>
/// Free replies on the operator key today: <see cref="Left"/> of <see cref="Limit"/>; they reset at 00:00 UTC. Guests
/// are told a member gets <see cref="MemberLimit"/>.
/// </summary>
public sealed record FreeReplies(int Left, int Limit, bool IsGuest, int MemberLimit);

using OpenChat.Web.Accounts;
using OpenChat.Web.OpenRouter;

namespace OpenChat.Web.Tests.Storage;

/// <summary>
/// Preferences, keys and the reply ledger: the same cases against every store, the spool behind an open breaker
/// included. What needs the real store (members, removing a key, moving a guest's data) is in
/// <see cref="AccountRepositoryContract"/>.
/// </summary>
public abstract class OwnerDataRepositoryContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    protected abstract IPreferenceRepository Preferences { get; }

    protected abstract IKeyVaultRepository Keys { get; }

    protected abstract IReplyLedger Ledger { get; }

    protected static string NewGuest() => "guest_" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Preferences_and_keys_are_stored_per_owner()
    {
        var owner = NewGuest();
        var preferences = new Preferences(owner, "dark", "violet", "anthropic/claude-3.5-sonnet", false, T0);
        var key = new StoredKey(owner, "CfDJ8-protected", "work", T0, T0);

        await Preferences.SaveAsync(preferences, default);
        await Keys.SaveAsync(key, default);

        Assert.Equal(preferences, await Preferences.FindAsync(owner, default));
        Assert.Equal(key, await Keys.FindAsync(owner, default));
        Assert.Null(await Preferences.FindAsync(NewGuest(), default));
        Assert.Null(await Keys.FindAsync(NewGuest(), default));

        var replaced = key with { ProtectedKey = "CfDJ8-other", UpdatedAt = T0.AddDays(1) };
        await Keys.SaveAsync(replaced, default);
        Assert.Equal(replaced, await Keys.FindAsync(owner, default));
    }

    [Fact]
    public async Task The_ledger_counts_replies_per_owner_source_and_window()
    {
        var owner = NewGuest();
        await Ledger.RecordAsync(owner, KeySource.Operator, T0.AddHours(-30), default);
        await Ledger.RecordAsync(owner, KeySource.Operator, T0.AddHours(-2), default);
        await Ledger.RecordAsync(owner, KeySource.Operator, T0.AddHours(-1), default);
        await Ledger.RecordAsync(owner, KeySource.User, T0.AddHours(-1), default);
        await Ledger.RecordAsync(NewGuest(), KeySource.Operator, T0.AddHours(-1), default);

        Assert.Equal(2, await Ledger.CountSinceAsync(owner, KeySource.Operator, T0.AddHours(-24), default));
        Assert.Equal(1, await Ledger.CountSinceAsync(owner, KeySource.User, T0.AddHours(-24), default));
    }

    [Fact]
    public async Task The_ledger_counts_operator_replies_per_address_and_adds_up_their_cost()
    {
        var now = DateTimeOffset.UtcNow;
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var address = $"203.0.113.{Random.Shared.Next(1, 250)}-{Guid.NewGuid():N}";
        var guest = new OperatorReply(Guid.CreateVersion7(), NewGuest(), address, now);
        var otherGuest = new OperatorReply(Guid.CreateVersion7(), NewGuest(), address, now);
        var member = new OperatorReply(Guid.CreateVersion7(), Guid.CreateVersion7().ToString("D"), address, now);
        var spentBefore = await Ledger.OperatorCostSinceAsync(today, default);

        // The cost of one may arrive before its start is recorded (different tasks write them).
        await Ledger.RecordOperatorCostAsync(guest, 0.25m, default);
        foreach (var reply in new[] { guest, otherGuest, member })
        {
            await Ledger.RecordOperatorReplyAsync(reply, default);
        }

        await Ledger.RecordOperatorCostAsync(member, 0.5m, default);

        Assert.Equal(2, await Ledger.CountOperatorRepliesFromAsync(address, guestsOnly: true, today, default));
        Assert.Equal(3, await Ledger.CountOperatorRepliesFromAsync(address, guestsOnly: false, today, default));
        Assert.Equal(0, await Ledger.CountOperatorRepliesFromAsync("198.51.100.1-" + address, guestsOnly: false, today, default));
        Assert.Equal(1, await Ledger.CountSinceAsync(guest.OwnerId, KeySource.Operator, today, default));
        Assert.Equal(0.75m, await Ledger.OperatorCostSinceAsync(today, default) - spentBefore);
    }
}

namespace OpenChat.Web.OpenRouter;

/// <summary>A reply paid by the operator's key: its ledger id, owner, client IP address (never stored as such) and start.</summary>
public sealed record OperatorReply(Guid Id, string OwnerId, string Address, DateTimeOffset At)
{
    public bool IsGuest => Accounts.OwnerIdentity.IsGuestId(OwnerId);
}

using OpenChat.Web.Chats;

namespace OpenChat.Web.OpenRouter;

/// <summary>Which key pays for a reply, or why there is none to use.</summary>
public sealed record KeyDecision(string? ApiKey, KeySource Source, ChatError? Refusal)
{
    /// <summary>The ledger entry the reply gets when the operator key pays (its address and, later, its cost).</summary>
    public OperatorReply? Ledger { get; init; }
}

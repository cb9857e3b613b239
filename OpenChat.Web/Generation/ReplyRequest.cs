using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Attachments;
using OpenChat.Web.OpenRouter;
using OpenChat.Web.Telemetry;

namespace OpenChat.Web.Generation;

/// <summary>Everything a run needs to write one reply: whose it is, where it goes, and how to ask for it.</summary>
public sealed record ReplyRequest(
    string OwnerId,
    Guid ChatId,
    ChatMessage UserMessage,
    ChatMessage Reply,
    string Model,
    string ApiKey)
{
    /// <summary>What the model reads besides text: attachments it cannot read go upstream by name only.</summary>
    public ModelInputs ModelInputs { get; init; }

    public KeySource KeySource { get; init; } = KeySource.Operator;

    /// <summary>The daily limit that applied (operator key), as <c>limit/window_ms</c>; null for the owner's own key.</summary>
    public string? RateLimitBucket { get; init; }

    /// <summary>Kept from the request that started the reply, for the events raised when it ends; null = not captured.</summary>
    public TelemetryScope? Telemetry { get; init; }

    /// <summary>Awaited once the reply's final state is stored (before the run counts as ended): the operator key's spend.</summary>
    public Func<ChatMessage, Task>? AfterStored { get; init; }
}

namespace OpenChat.Web.Chats;

/// <summary>The lower-case names roles and statuses have in storage, markup (<c>data-status</c>) and telemetry.</summary>
public static class ChatWireNames
{
    public static string ToWireName(this MessageRole role) => role switch
    {
        MessageRole.User => "user",
        MessageRole.Assistant => "assistant",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    public static string ToWireName(this MessageStatus status) => status switch
    {
        MessageStatus.Streaming => "streaming",
        MessageStatus.Complete => "complete",
        MessageStatus.Stopped => "stopped",
        MessageStatus.Error => "error",
        MessageStatus.Interrupted => "interrupted",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static MessageRole ParseRole(string value) => value switch
    {
        "user" => MessageRole.User,
        "assistant" => MessageRole.Assistant,
        _ => throw new FormatException($"Unknown message role '{value}'."),
    };

    public static MessageStatus ParseStatus(string value) => value switch
    {
        "streaming" => MessageStatus.Streaming,
        "complete" => MessageStatus.Complete,
        "stopped" => MessageStatus.Stopped,
        "error" => MessageStatus.Error,
        "interrupted" => MessageStatus.Interrupted,
        _ => throw new FormatException($"Unknown message status '{value}'."),
    };
}

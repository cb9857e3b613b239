using System.Text.Json.Serialization;
using OpenChat.Web.Chats.Attachments;

namespace OpenChat.Web.Chats;

/// <summary>One turn of a chat: the person's message or a model's reply.</summary>
public sealed record ChatMessage(
    Guid Id,
    Guid ChatId,
    MessageRole Role,
    string Content,
    MessageStatus Status,
    string? ModelId,
    MessageUsage? Usage,
    string? ErrorKind,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>Files sent with a person's message; kept by the <see cref="IAttachmentStore"/>, not with the message.</summary>
    [JsonIgnore]
    public IReadOnlyList<ChatAttachment> Attachments { get; init; } = [];
}

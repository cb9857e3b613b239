using System.Text.Json.Serialization;

namespace OpenChat.Web.Chats.Attachments;

/// <summary>A file sent with a message (metadata only; the bytes stay in the <see cref="IAttachmentStore"/>).</summary>
/// <param name="FileName">The name the person's file had, cleaned for display and for <c>Content-Disposition</c>.</param>
/// <param name="MediaType">From the content (sniffed), never from the name or the browser's claim.</param>
public sealed record ChatAttachment(
    Guid Id,
    Guid ChatId,
    Guid MessageId,
    string FileName,
    string MediaType,
    AttachmentKind Kind,
    long SizeBytes,
    DateTimeOffset CreatedAt)
{
    [JsonIgnore]
    public string DownloadUrl => $"/chat/{ChatId:D}/attachments/{Id:D}";
}

namespace OpenChat.Web.Chats.Attachments;

/// <summary>An attachment with its bytes.</summary>
public sealed record StoredAttachment(ChatAttachment Attachment, byte[] Content);

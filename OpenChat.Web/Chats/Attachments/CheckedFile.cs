namespace OpenChat.Web.Chats.Attachments;

/// <summary>A file that passed the checks, with what its bytes say it is.</summary>
public sealed record CheckedFile(string FileName, byte[] Content, AttachmentKind Kind, string MediaType);

namespace OpenChat.Web.Chats.Attachments;

/// <summary>A file as it arrived with a send, before any check.</summary>
public sealed record UploadedFile(string FileName, byte[] Content);

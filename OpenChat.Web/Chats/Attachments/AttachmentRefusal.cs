namespace OpenChat.Web.Chats.Attachments;

/// <summary>Why the files of a send were refused: what the person reads, and what analytics records.</summary>
/// <param name="Reason"><c>count</c>, <c>too_large</c> or <c>type</c> (also a type this model cannot read).</param>
public sealed record AttachmentRefusal(ChatError Error, string Reason, string? FileMime, long FileSizeBytes, long LimitBytes);

namespace OpenChat.Web.Chats;

/// <summary>
/// A write to an existing reply: a periodic flush while it streams, or its final state.
/// Applying the same update twice leaves the same row (flushes are idempotent).
/// </summary>
public sealed record MessageUpdate(
    Guid MessageId,
    string Content,
    MessageStatus Status,
    MessageUsage? Usage,
    string? ErrorKind,
    DateTimeOffset UpdatedAt);

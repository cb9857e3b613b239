namespace OpenChat.Web.Chats;

/// <summary>Keyset position in a thread: the oldest message already shown; the next page holds older ones.</summary>
public sealed record MessageCursor(DateTimeOffset CreatedAt, Guid Id);

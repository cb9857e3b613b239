namespace OpenChat.Web.Chats;

/// <summary>Keyset position in an owner's chat list (most recent first): the last chat of the previous page.</summary>
public sealed record ChatListCursor(DateTimeOffset LastMessageAt, Guid Id);

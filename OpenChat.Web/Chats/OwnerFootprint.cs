namespace OpenChat.Web.Chats;

/// <summary>What one owner keeps: chats, messages, and bytes of message text (UTF-8).</summary>
public sealed record OwnerFootprint(int Chats, long Messages, long TextBytes);

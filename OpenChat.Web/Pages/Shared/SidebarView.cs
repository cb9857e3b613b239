using ChatRecord = OpenChat.Web.Chats.Chat;

namespace OpenChat.Web.Pages;

/// <summary>What the chat sidebar shows: the first page of chats and which one is open.</summary>
public sealed record SidebarView(IReadOnlyList<ChatRecord> Chats, bool HasMore, Guid? CurrentChatId);

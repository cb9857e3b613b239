using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Attachments;

namespace OpenChat.Web.Storage.Fallback;

/// <summary>A chat as the spool holds it: the chat, its messages (thread order) and the files sent with them.</summary>
public sealed record SpooledChat(Chat Chat, IReadOnlyList<ChatMessage> Messages, IReadOnlyList<StoredAttachment> Attachments);

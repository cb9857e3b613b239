namespace OpenChat.Web.Chats;

/// <summary>A message accepted into a chat, and the reply that started for it.</summary>
public sealed record SentMessage(Chat Chat, ChatMessage UserMessage, ChatMessage Reply);

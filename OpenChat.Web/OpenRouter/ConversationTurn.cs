using OpenChat.Web.Chats;

namespace OpenChat.Web.OpenRouter;

/// <summary>A message of the conversation as sent upstream.</summary>
public readonly record struct ConversationTurn(MessageRole Role, string Content);

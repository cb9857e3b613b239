using OpenChat.Web.Chats;

namespace OpenChat.Web.Generation;

/// <summary>Everything a run needs to write one reply: whose it is, where it goes, and how to ask for it.</summary>
public sealed record ReplyRequest(
    string OwnerId,
    Guid ChatId,
    ChatMessage UserMessage,
    ChatMessage Reply,
    string Model,
    string ApiKey);

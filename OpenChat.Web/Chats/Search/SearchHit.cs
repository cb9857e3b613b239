namespace OpenChat.Web.Chats.Search;

/// <summary>
/// A search result: the chat, and the matching message when the match is in a message.
/// <paramref name="Snippet"/> is plain text with matches between <see cref="SearchQuery.MarkStart"/> and <see cref="SearchQuery.MarkEnd"/>.
/// </summary>
public sealed record SearchHit(Guid ChatId, string ChatTitle, Guid? MessageId, string Snippet, DateTimeOffset At);

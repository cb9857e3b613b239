namespace OpenChat.Web.Chats.Search;

/// <summary>Full-text search over one owner's chat titles and messages.</summary>
public interface IChatSearch
{
    /// <summary>Matching messages and titles, newest first; a chat whose title matches comes once, without a message.</summary>
    Task<IReadOnlyList<SearchHit>> SearchAsync(string ownerId, SearchQuery query, int limit, CancellationToken cancellationToken);

    /// <summary>Where a message sits in its thread, so a page around it can be loaded; null when the owner has no such message.</summary>
    Task<MessageCursor?> LocateMessageAsync(string ownerId, Guid chatId, Guid messageId, CancellationToken cancellationToken);
}

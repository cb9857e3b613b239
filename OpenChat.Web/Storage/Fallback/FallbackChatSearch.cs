using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Search;
using OpenChat.Web.Storage.Files;
using OpenChat.Web.Storage.Postgres;

namespace OpenChat.Web.Storage.Fallback;

/// <summary>Full-text search in Postgres; while it is down, a scan of what the spool holds.</summary>
public sealed class FallbackChatSearch(PostgresChatSearch postgres, Spool spool, PostgresBreaker breaker) : IChatSearch
{
    private readonly Failover<IChatSearch> _failover = new(postgres, new FileChatSearch(spool.Store), breaker);

    public Task<IReadOnlyList<SearchHit>> SearchAsync(string ownerId, SearchQuery query, int limit, CancellationToken cancellationToken) =>
        _failover.RunAsync(s => s.SearchAsync(ownerId, query, limit, cancellationToken), cancellationToken);

    public Task<MessageCursor?> LocateMessageAsync(string ownerId, Guid chatId, Guid messageId, CancellationToken cancellationToken) =>
        _failover.RunAsync(s => s.LocateMessageAsync(ownerId, chatId, messageId, cancellationToken), cancellationToken);
}

using OpenChat.Web.Chats;
using OpenChat.Web.Chats.Search;

namespace OpenChat.Web.Storage.Files;

/// <summary>
/// Search by reading the owner's files, newest messages first: a plain scan, fine for the small,
/// single-person installs the file store is for (Postgres has an index).
/// </summary>
public sealed class FileChatSearch(FileStore store) : IChatSearch
{
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string ownerId, SearchQuery query, int limit, CancellationToken cancellationToken)
    {
        var hits = new List<SearchHit>();
        foreach (var chatId in FileMessageFiles.ChatsOf(store, ownerId))
        {
            var chat = await FileStore.ReadAsync<Chat>(FileMessageFiles.ChatFile(store, ownerId, chatId), cancellationToken);
            if (chat is null)
            {
                continue;
            }

            if (query.Matches(chat.Title))
            {
                hits.Add(new SearchHit(chat.Id, chat.Title, null, query.Snippet(chat.Title, Chat.MaxTitleLength), chat.LastMessageAt));
            }

            var files = FileMessageFiles.Of(store, ownerId, chatId);
            var found = 0;
            for (var i = files.Count - 1; i >= 0 && found < limit; i--)
            {
                var message = await FileStore.ReadAsync<ChatMessage>(files[i], cancellationToken);
                if (message is not null && query.Matches(message.Content))
                {
                    hits.Add(new SearchHit(chat.Id, chat.Title, message.Id, query.Snippet(message.Content), message.CreatedAt));
                    found++;
                }
            }
        }

        return hits.OrderByDescending(h => h.At).Take(limit).ToList();
    }

    public async Task<MessageCursor?> LocateMessageAsync(string ownerId, Guid chatId, Guid messageId, CancellationToken cancellationToken)
    {
        foreach (var path in FileMessageFiles.Of(store, ownerId, chatId))
        {
            if (FileMessageFiles.MessageId(path) == messageId)
            {
                var message = await FileStore.ReadAsync<ChatMessage>(path, cancellationToken);
                return message is null ? null : new MessageCursor(message.CreatedAt, message.Id);
            }
        }

        return null;
    }
}
